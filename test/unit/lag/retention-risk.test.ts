import { describe, expect, it } from 'vitest';
import { type PartitionAtRisk, retentionRiskMs } from '../../../src/lag/retention-risk.js';

const T = 1_700_000_000_000;
// 1,000 records of 100 bytes on average, 400 of them unconsumed, 10 appended a second.
const partition: PartitionAtRisk = { takenAt: T, firstUnconsumedTimestamp: T - 60_000, firstUnconsumed: 600n, logStart: 0n, end: 1_000n, sizeBytes: 100_000n, appendRatePerSec: 10 };

describe('retentionRiskMs', () => {
  it('by time: retention.ms after the first unconsumed record was written', () => {
    expect(retentionRiskMs({ retentionMs: 3_600_000, retentionBytes: null }, partition)).toBe(3_540_000);
    expect(retentionRiskMs({ retentionMs: 30_000, retentionBytes: null }, partition)).toBe(0); // already due
  });

  it('by size: the headroom left above the unconsumed bytes, at the append rate', () => {
    // 40,000 unconsumed bytes of 100,000 allowed: 60,000 bytes at 1,000 bytes a second.
    expect(retentionRiskMs({ retentionMs: null, retentionBytes: 100_000 }, partition)).toBe(60_000);
    expect(retentionRiskMs({ retentionMs: null, retentionBytes: 30_000 }, partition)).toBe(0); // over the limit already
  });

  it('the sooner of the two', () => {
    expect(retentionRiskMs({ retentionMs: 3_600_000, retentionBytes: 100_000 }, partition)).toBe(60_000);
    expect(retentionRiskMs({ retentionMs: 90_000, retentionBytes: 100_000 }, partition)).toBe(30_000);
  });

  it('null where it cannot be told: no deletion, no size, nothing appended', () => {
    expect(retentionRiskMs({ retentionMs: null, retentionBytes: null }, partition)).toBeNull();
    expect(retentionRiskMs({ retentionMs: null, retentionBytes: 100_000 }, { ...partition, sizeBytes: undefined })).toBeNull();
    expect(retentionRiskMs({ retentionMs: null, retentionBytes: 100_000 }, { ...partition, appendRatePerSec: 0 })).toBeNull();
    expect(retentionRiskMs({ retentionMs: 3_600_000, retentionBytes: null }, { ...partition, firstUnconsumedTimestamp: null })).toBeNull();
  });
});
