import { describe, expect, it } from 'vitest';
import type { GroupSample } from '../../../src/lag/compute-lag.js';
import { type CommitSeen, evaluateGroup } from '../../../src/lag/lag-verdict.js';

const WINDOW = 60_000;

/** Samples of one partition every 10 s through a 60 s window: [committed, end] at each. */
function samples(points: Array<[number | null, number]>, members = 1): GroupSample[] {
  return points.map(([committed, end], i) => ({
    group: 'g',
    state: members ? 'Stable' : 'Empty',
    members,
    takenAt: 1_000_000 + i * 10_000,
    partitions: [{ topic: 't', partition: 0, committed: committed === null ? null : BigInt(committed), end: BigInt(end), nextRecordTimestamp: null }],
  }));
}

const seven = (f: (i: number) => [number | null, number]) => Array.from({ length: 7 }, (_, i) => f(i));
const commitsAt = (offset: number, n: number) => new Map<string, CommitSeen[]>([['t:0', Array.from({ length: n }, (_, i) => ({ at: 1_000_000 + i * 5_000, offset: BigInt(offset) }))]]);

describe('evaluateGroup: Burrow-style verdicts over a window', () => {
  it('OK: caught up on an idle topic, never STOP (no commits, no traffic)', () => {
    const r = evaluateGroup({ samples: samples(seven(() => [500, 500])), windowMs: WINDOW, commits: new Map() });
    expect(r.verdict.status).toBe('OK');
    expect(r.partitions[0]!.reason).toBe('caught up');
  });

  it('OK: consuming while lag shrinks or holds', () => {
    const r = evaluateGroup({ samples: samples(seven((i) => [100 + i * 50, 400 + i * 40])), windowMs: WINDOW });
    expect(r.verdict.status).toBe('OK');
  });

  it('WARN: lag grew at every sample while the offset moved', () => {
    const r = evaluateGroup({ samples: samples(seven((i) => [100 + i * 10, 200 + i * 30])), windowMs: WINDOW });
    expect(r.verdict).toEqual({ status: 'WARN', reason: 't/0: lag grew from 100 to 220 through the window while the group consumed 60 records' });
  });

  it('STALL: the same offset committed again and again while records wait', () => {
    const r = evaluateGroup({ samples: samples(seven(() => [300, 350])), windowMs: WINDOW, commits: commitsAt(300, 12) });
    expect(r.verdict.status).toBe('STALL');
    expect(r.verdict.reason).toContain('committed offset 300 again 12 time(s)');
  });

  it('STOP: no commit through the window while records wait, and says who is there', () => {
    const r = evaluateGroup({ samples: samples(seven(() => [300, 350]), 0), windowMs: WINDOW, commits: new Map() });
    expect(r.verdict).toEqual({ status: 'STOP', reason: 't/0: no commit for 60 s with lag 50; the group has no members' });
  });

  it('not STOP before the window has passed, and says it is too early', () => {
    const r = evaluateGroup({ samples: samples(seven(() => [300, 350]).slice(0, 3)), windowMs: WINDOW, commits: new Map() });
    expect(r.verdict).toEqual({ status: 'OK', reason: '1 partition(s) with lag not watched for a whole window yet (20 s of 60 s)' });
  });

  it('REWIND: the committed offset went back (an offset reset)', () => {
    const r = evaluateGroup({ samples: samples([[500, 600], [520, 600], [100, 600]]), windowMs: WINDOW });
    expect(r.verdict).toMatchObject({ status: 'REWIND', reason: 't/0: committed offset went back from 520 to 100' });
  });

  it('ERROR: records deleted before the group read them, with the count', () => {
    const r = evaluateGroup({ samples: samples(seven(() => [100, 900])), windowMs: WINDOW, logStart: (topic, partition) => (topic === 't' && partition === 0 ? 250n : undefined) });
    expect(r.verdict.status).toBe('ERROR');
    expect(r.partitions[0]).toMatchObject({ lostRecords: 150 });
  });

  it('the group takes its worst partition, and counts the others like it', () => {
    const two = samples(seven(() => [300, 350])).map((s) => ({ ...s, partitions: [...s.partitions, { ...s.partitions[0]!, partition: 1, committed: 10n, end: 10n }, { ...s.partitions[0]!, partition: 2 }] }));
    const r = evaluateGroup({ samples: two, windowMs: WINDOW, commits: new Map() });
    expect(r.partitions.map((p) => p.status)).toEqual(['STOP', 'OK', 'STOP']);
    expect(r.verdict.reason).toMatch(/^t\/0: .* \(and 1 more\)$/);
  });
});
