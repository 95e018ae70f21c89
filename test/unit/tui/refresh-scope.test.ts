import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GroupSample } from '../../../src/lag/compute-lag.js';
import { NextRecordCache } from '../../../src/lag/fetch-lag-snapshot.js';
import { KnownTopics } from '../../../src/tui/data/known-topics.js';
import { FULL_SCOPE, OFF_SCREEN_PERIOD_MS, refreshScope } from '../../../src/tui/state/refresh-scope.js';
import type { DashboardState } from '../../../src/tui/state/dashboard-state.js';
import type { OverviewSnapshot } from '../../../src/tui/state/snapshots.js';
import { T0, key, keys, run, state } from './fixtures.js';

/** A cluster of `topics` topics of 2 partitions, and `groups` groups g000.. each reading topic t(i mod topics). */
function bigCluster(takenAt: number, opts: { topics: number; groups: number; only?: string[]; offsetsOf?: string[]; end?: number }): OverviewSnapshot {
  const end = opts.end ?? 100;
  const topicName = (i: number) => `t${String(i).padStart(3, '0')}`;
  const groupName = (i: number) => `g${String(i).padStart(3, '0')}`;
  const parts = [0, 1].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1], start: 0, end }));
  const all = Array.from({ length: opts.groups }, (_, i) => groupName(i));
  const sample = (group: string): GroupSample => ({
    group,
    state: 'Stable',
    members: 1,
    takenAt,
    partitions: [0, 1].map((partition) => ({ topic: topicName(Number(group.slice(1)) % opts.topics), partition, committed: 10n, end: BigInt(end), nextRecordTimestamp: takenAt - 1_000 })),
  });
  return {
    takenAt,
    brokers: [{ id: 1, host: 'localhost', port: 9092 }],
    controller: 1,
    topics: Array.from({ length: opts.topics }, (_, i) => ({ name: topicName(i), internal: false, partitions: parts })),
    groups: (opts.only ?? all).map(sample),
    ...(opts.only ? { listedGroups: all } : {}),
    ...(opts.offsetsOf ? { offsetsOf: new Set(opts.offsetsOf) } : {}),
  };
}

function groupsScope(s: DashboardState, refreshMs = 1_000): readonly string[] {
  const scope = refreshScope(s, refreshMs);
  if (scope.groups === 'all') throw new Error('expected a partial scope');
  return scope.groups;
}

describe('refresh scope (what a refresh reads)', () => {
  it('reads everything until the first refresh has landed', () => {
    expect(refreshScope(state(), 1_000)).toEqual(FULL_SCOPE);
  });

  it("on the Groups view: the rows a screen can show around the cursor, and a share of the rest sized to read each within the off-screen period", () => {
    let s = run({ ...state(120, 10), view: 'groups' }, { type: 'overview', snapshot: bigCluster(T0, { topics: 10, groups: 200 }) });
    const scoped = groupsScope(s);
    // A 10-row terminal has a 5-row body: at cursor 0 the table shows rows 0..4 at most; the other 195 groups are read in 15 refreshes of 1 s.
    const name = (i: number) => `g${String(i).padStart(3, '0')}`;
    expect(scoped.slice(0, 5)).toEqual([0, 1, 2, 3, 4].map(name));
    expect(scoped).toHaveLength(5 + Math.ceil((195 * 1_000) / OFF_SCREEN_PERIOD_MS));
    // The Groups view shows no topic offsets: topics are only the round-robin share.
    const topics = refreshScope(s, 1_000).topics;
    expect(topics).toHaveLength(Math.ceil((10 * 1_000) / OFF_SCREEN_PERIOD_MS));

    // The cursor moved down to row 50: wherever the window scrolled, it holds 50 and at most 4 rows either side.
    s = run(s, ...Array.from({ length: 50 }, () => key('', { downArrow: true })));
    const moved = groupsScope(s);
    expect(moved.slice(0, 9)).toEqual([46, 47, 48, 49, 50, 51, 52, 53, 54].map(name));
    expect(moved).toHaveLength(9 + Math.ceil((191 * 1_000) / OFF_SCREEN_PERIOD_MS));
  });

  it('reads the stalest off-screen groups first, so every group is read within the period', () => {
    let s = run({ ...state(120, 10), view: 'groups' }, { type: 'overview', snapshot: bigCluster(T0, { topics: 10, groups: 200 }) });
    const readAt = new Map<string, number>();
    for (let tick = 1; tick <= OFF_SCREEN_PERIOD_MS / 1_000; tick++) {
      const at = T0 + tick * 1_000;
      const scoped = groupsScope(s);
      for (const g of scoped) readAt.set(g, at);
      s = run(s, { type: 'overview', snapshot: bigCluster(at, { topics: 10, groups: 200, only: [...scoped], offsetsOf: [] }) });
    }
    expect(readAt.size).toBe(200);
    // Every group still has its row, read this round or kept from the first refresh.
    expect(s.overview.groups).toHaveLength(200);
    expect(s.overview.samples['g150']!.at(-1)!.takenAt).toBe(readAt.get('g150'));
  });

  it('an opened group, an X-ray or an opened topic narrows what is on screen to that one', () => {
    const base = run({ ...state(120, 10), view: 'groups' }, { type: 'overview', snapshot: bigCluster(T0, { topics: 10, groups: 200 }) });
    const opened = run({ ...base, cursors: { groups: 120 } }, keys.enter);
    expect(opened.openGroup).toBe('g120');
    expect(groupsScope(opened)[0]).toBe('g120');
    expect(groupsScope(opened)).not.toContain('g121');
    const xray = run({ ...base, cursors: { groups: 7 } }, key('x'));
    expect(groupsScope(xray)[0]).toBe('g007');
    const topic = run({ ...base, view: 'topics', cursors: { topics: 4 } }, keys.enter);
    expect(topic.openTopic).toBe('t004');
    // t004, and the stalest of the other nine (one per refresh).
    expect(refreshScope(topic, 1_000).topics).toEqual(['t004', 't000']);
  });

  it("a group the refresh did not read keeps its row and history; a topic whose offsets it did not read keeps its offsets and in-rate", () => {
    let s = run(state(), { type: 'overview', snapshot: bigCluster(T0, { topics: 2, groups: 3 }) });
    s = run(s, { type: 'overview', snapshot: bigCluster(T0 + 2_000, { topics: 2, groups: 3, end: 300 }) });
    const before = s.overview;
    // Only g000 and t000 read, with grown ends; t001 carries the offsets last read (as KnownTopics passes them).
    const partial = bigCluster(T0 + 4_000, { topics: 2, groups: 3, only: ['g000'], offsetsOf: ['t000'], end: 500 });
    partial.topics[1] = { ...partial.topics[1]!, partitions: before.partitionsByTopic['t001']! };
    s = run(s, { type: 'overview', snapshot: partial });
    const g = (name: string) => s.overview.groups.find((x) => x.group === name)!;
    expect(g('g000').totalLag).toBe(2 * (500 - 10));
    expect(g('g001')).toBe(before.groups.find((x) => x.group === 'g001'));
    expect(g('g001').partitions.map((p) => p.history.values())).toEqual([[90, 290], [90, 290]]);
    expect(g('g000').partitions.map((p) => p.history.values())).toEqual([[90, 290, 490], [90, 290, 490]]);
    expect(s.overview.partitionsByTopic['t001']!.map((p) => p.end)).toEqual([300, 300]);
    expect(s.overview.partitionsByTopic['t000']!.map((p) => p.end)).toEqual([500, 500]);
    const t1 = s.overview.topics.find((t) => t.name === 't001')!;
    expect(t1.inRate).toBe(before.topics.find((t) => t.name === 't001')!.inRate);
    expect(s.overview.topicEnds['t000']).toHaveLength(3);
    expect(s.overview.topicEnds['t001']).toHaveLength(2);
    // A group no longer listed goes, read or not.
    s = run(s, { type: 'overview', snapshot: { ...bigCluster(T0 + 5_000, { topics: 2, groups: 3, only: [] }), listedGroups: ['g000', 'g002'] } });
    expect(s.overview.groups.map((x) => x.group)).toEqual(['g000', 'g002']);
  });
});

describe('known topics (offsets kept between partial refreshes)', () => {
  const meta = (leader: number) => new Map([['a', [0, 1].map((partition) => ({ partition, leader, replicas: [1], isr: [1] }))], ['b', [{ partition: 0, leader, replicas: [1], isr: [1] }]]]);
  const range = (topic: string, partition: number, earliest: bigint, latest: bigint) => ({ topic, partition, earliest, latest });

  it('a topic read gets its new offsets, one not read keeps the last ones (the same object while the metadata is the same)', () => {
    const known = new KnownTopics();
    const m = meta(1);
    const first = known.update(m, [range('a', 0, 0n, 10n), range('a', 1, 0n, 20n), range('b', 0, 5n, 7n)]);
    expect(first.map((t) => t.partitions.map((p) => [p.start, p.end]))).toEqual([[[0, 10], [0, 20]], [[5, 7]]]);
    const second = known.update(m, [range('a', 0, 0n, 11n), range('a', 1, 0n, 21n)]);
    expect(second[0]!.partitions.map((p) => p.end)).toEqual([11, 21]);
    expect(second[1]).toBe(first[1]);
    // New metadata (a leader moved): rebuilt, the offsets last read kept; a topic gone is dropped.
    const moved = new Map([['b', meta(2).get('b')!]]);
    const third = known.update(moved, []);
    expect(third).toEqual([{ name: 'b', internal: false, partitions: [{ partition: 0, leader: 2, replicas: [1], isr: [1], start: 5, end: 7 }] }]);
  });
});

describe('next-record cache', () => {
  const at = (ms: number, cache: NextRecordCache) => {
    vi.setSystemTime(T0 + ms);
    cache.begin();
  };
  afterEach(() => {
    vi.useRealTimers();
  });

  it('forgets a position no snapshot asked for within keepMs (0: what the last snapshot asked for)', () => {
    vi.useFakeTimers();
    const pos = (offset: bigint, until = 10n) => ({ topic: 't', partition: 0, offset, until });
    const last = new NextRecordCache();
    at(0, last);
    last.set(pos(1n), 5);
    last.end();
    at(1_000, last);
    expect(last.get(pos(1n))).toBe(5);
    last.set(pos(2n), 6);
    last.end();
    at(2_000, last);
    last.end();
    expect(last.get(pos(1n))).toBeUndefined();

    const round = new NextRecordCache(20_000);
    at(0, round);
    round.set(pos(1n), 5);
    round.set(pos(3n), 'none');
    round.end();
    at(15_000, round);
    round.end();
    expect(round.get(pos(1n))).toBe(5);
    // 'none' (only markers ahead) holds only while the end stays put.
    expect(round.get(pos(3n, 11n))).toBeUndefined();
    // Another partition, another topic: positions are told apart.
    expect(round.get({ ...pos(1n), partition: 1 })).toBeUndefined();
    expect(round.get({ ...pos(1n), topic: 'u' })).toBeUndefined();
    at(30_000, round);
    round.end();
    expect(round.get(pos(1n))).toBe(5);
    at(51_000, round);
    round.end();
    expect(round.get(pos(1n))).toBeUndefined();
  });
});
