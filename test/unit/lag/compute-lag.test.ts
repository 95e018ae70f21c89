import { describe, expect, it } from 'vitest';
import { type GroupSample, computeLag } from '../../../src/lag/compute-lag.js';
import { LagHistory } from '../../../src/lag/lag-history.js';
import { formatMs, lagBreaches, onlyLagging } from '../../../src/lag/lag-thresholds.js';

const T0 = 1_700_000_000_000;

function sample(takenAt: number, parts: Array<[number, bigint | null, bigint, number | null]>, extra: Partial<GroupSample> = {}): GroupSample {
  return {
    group: 'g',
    state: 'Stable',
    members: 2,
    takenAt,
    partitions: parts.map(([partition, committed, end, nextRecordTimestamp]) => ({ topic: 't', partition, committed, end, nextRecordTimestamp })),
    ...extra,
  };
}

describe('computeLag', () => {
  it('lag is end - committed, lagMs is now minus the first unconsumed record, both 0 when caught up', () => {
    const g = computeLag(sample(T0, [[0, 90n, 100n, T0 - 4_000], [1, 50n, 50n, null]]));
    expect(g.partitions[0]).toMatchObject({ committed: '90', end: '100', lag: 10, lagMs: 4_000, rate: null, etaMs: null });
    expect(g.partitions[1]).toMatchObject({ lag: 0, lagMs: 0, etaMs: 0 });
    expect(g).toMatchObject({ group: 'g', state: 'Stable', members: 2, totalLag: 10, maxLagMs: 4_000, rate: null, etaMs: null });
  });

  it('has no lag without a committed offset, and unknown time lag when the record could not be read', () => {
    const g = computeLag(sample(T0, [[0, null, 100n, null], [1, 10n, 20n, null]]));
    expect(g.partitions[0]).toMatchObject({ committed: null, lag: null, lagMs: null });
    expect(g.partitions[1]).toMatchObject({ lag: 10, lagMs: null });
    expect(g.totalLag).toBe(10);
  });

  it('counts offsets like Kafka but reports no time lag when only transaction markers are left', () => {
    const s = sample(T0, [[0, 99n, 100n, null]]);
    s.partitions[0]!.onlyMarkersPending = true;
    expect(computeLag(s).partitions[0]).toMatchObject({ lag: 1, lagMs: 0, etaMs: 0 });
    expect(computeLag(s).etaMs).toBe(0);
  });

  it('clamps a committed offset beyond the end to zero lag', () => {
    expect(computeLag(sample(T0, [[0, 120n, 100n, null]])).partitions[0]!.lag).toBe(0);
  });

  it('derives the consumption rate and the ETA from the oldest earlier sample', () => {
    const before = sample(T0, [[0, 0n, 1_000n, T0 - 10_000]]);
    // 10 s later: consumed 500 (50/s) while 100 more arrived (10/s): lag 600 shrinks at 40/s.
    const now = sample(T0 + 10_000, [[0, 500n, 1_100n, T0]]);
    const g = computeLag(now, [before]);
    expect(g.partitions[0]).toMatchObject({ lag: 600, lagMs: 10_000, rate: 50, etaMs: 15_000 });
    expect(g).toMatchObject({ rate: 50, etaMs: 15_000 });
  });

  it('has no ETA while lag grows, and the group ETA is its slowest partition', () => {
    const before = sample(T0, [[0, 0n, 100n, T0], [1, 0n, 100n, T0]]);
    const growing = computeLag(sample(T0 + 1_000, [[0, 10n, 200n, T0], [1, 50n, 110n, T0]]), [before]);
    expect(growing.partitions[0]!.etaMs).toBeNull();
    expect(growing.partitions[1]!.etaMs).toBe(1_500); // lag 60 shrinking at 40/s
    expect(growing.etaMs).toBeNull();
    const both = computeLag(sample(T0 + 1_000, [[0, 80n, 100n, T0], [1, 50n, 110n, T0]]), [before]);
    expect(both.partitions[0]!.etaMs).toBe(250); // 20 left at 80/s
    expect(both.etaMs).toBe(1_500);
    expect(both.rate).toBe(130);
  });

  it('ignores history of other groups and samples not older than the current one', () => {
    const other = { ...sample(T0 - 5_000, [[0, 0n, 100n, null]]), group: 'h' };
    const same = sample(T0, [[0, 0n, 100n, null]]);
    expect(computeLag(sample(T0, [[0, 50n, 100n, T0]]), [other, same]).rate).toBeNull();
  });
});

describe('LagHistory', () => {
  it('returns earlier samples within the window, oldest first, and forgets older ones', () => {
    const h = new LagHistory(10_000);
    expect(h.add(sample(T0, []))).toEqual([]);
    expect(h.add(sample(T0 + 5_000, [])).map((s) => s.takenAt)).toEqual([T0]);
    expect(h.add(sample(T0 + 12_000, [])).map((s) => s.takenAt)).toEqual([T0 + 5_000]);
    expect(h.add({ ...sample(T0 + 13_000, []), group: 'other' })).toEqual([]);
  });
});

describe('thresholds', () => {
  const lagging = computeLag(sample(T0, [[0, 0n, 50n, T0 - 120_000], [1, 10n, 10n, null]]));
  const idle = computeLag({ ...sample(T0, [[0, 5n, 5n, null]]), group: 'idle' });

  it('--fail-above compares each group total; --fail-above-time any partition', () => {
    expect(lagBreaches([lagging, idle], { maxRecords: 50 })).toEqual([]);
    expect(lagBreaches([lagging, idle], { maxRecords: 49 })).toEqual(['group g: lag 50 records > 49']);
    expect(lagBreaches([lagging, idle], { maxLagMs: 60_000 })).toEqual(['group g: lag 2m00s > 1m00s']);
    expect(lagBreaches([lagging], { maxLagMs: 120_000 })).toEqual([]);
  });

  it('--only-lagging keeps lagging partitions and groups', () => {
    expect(onlyLagging([lagging, idle]).map((g) => [g.group, g.partitions.map((p) => p.partition)])).toEqual([['g', [0]]]);
  });

  it('formats durations compactly', () => {
    expect([formatMs(950), formatMs(12_340), formatMs(245_000), formatMs(7_380_000)]).toEqual(['950 ms', '12.3 s', '4m05s', '2h03m']);
  });
});
