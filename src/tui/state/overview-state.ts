import { type GroupSample, type PartitionLag, computeLag, samePartitions } from '../../lag/compute-lag.js';
import { type LagStatus, type WatchedGroup, evaluateGroup, partitionKey } from '../../lag/lag-verdict.js';
import type { BrokerInfo } from '../../kafka/topic-admin.js';
import { RecentValues, pushBounded, pushSpaced } from './history-ring.js';
import type { OverviewSnapshot, PartitionInfo, TopicInfo } from './snapshots.js';

/** Points of lag history kept per partition (the sparkline shows as many as fit). */
export const LAG_HISTORY = 60;
/** A topic's in-rate spans this many refreshes, so one slow poll does not swing it. */
const RATE_SAMPLES = 5;
/** Group rates and ETAs compare samples up to this far apart (as `lag --watch` does, shorter). */
const LAG_WINDOW_MS = 30_000;
/** Verdicts judge the samples of this much of the lag window (a full one spans it less a refresh). */
export const VERDICT_WINDOW_MS = 20_000;
/**
 * Samples kept through the lag window are at least this far apart (about a dozen per group, as
 * Burrow keeps ten offsets per partition): at 1 Hz, 30 samples of 100 partitions per group
 * held most of the dashboard's memory on a big cluster.
 */
const SAMPLE_SPACING_MS = 2_500;

/** A partition of a group as the views show it: its lag, its verdict, and its lag at the group's recent refreshes (oldest first). */
export type DashboardPartition = PartitionLag & { status: LagStatus; history: RecentValues };

/** A group as the views show it: its lag and verdict, and each partition's. */
export type DashboardGroup = Omit<WatchedGroup, 'partitions'> & { partitions: DashboardPartition[] };

export interface TopicRow {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  /** Latest minus earliest offset, summed: an offset span (transaction markers included), not records. */
  offsets: number;
  /** Produced records per second, from log end offsets across refreshes. */
  inRate: number | null;
  /** Consumed records per second, summed over the groups reading the topic. */
  outRate: number | null;
  underReplicated: number;
  offline: number;
  consumerGroups: number;
}

export interface UnderReplicatedPartition {
  topic: string;
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
}

export interface ClusterSummary {
  brokers: BrokerInfo[];
  controller: number | null;
  topics: number;
  internalTopics: number;
  partitions: number;
  offline: number;
  underReplicated: UnderReplicatedPartition[];
}

export interface OverviewState {
  /** When the data shown was fetched (the last successful refresh). */
  at: number | null;
  /** The last refresh's failure; cleared by the next success. */
  error: { at: number; message: string } | null;
  cluster: ClusterSummary | null;
  topics: TopicRow[];
  partitionsByTopic: Record<string, PartitionInfo[]>;
  groups: DashboardGroup[];
  /** Every group the cluster listed at the last refresh, read yet or not (the refresh scope picks from them). */
  listedGroups: string[];
  /** Recent samples per group, for rates and ETAs. */
  samples: Record<string, GroupSample[]>;
  /** Summed log end offsets per topic at recent refreshes, for in-rates. */
  topicEnds: Record<string, Array<{ at: number; end: number }>>;
}

export const emptyOverview: OverviewState = {
  at: null,
  error: null,
  cluster: null,
  topics: [],
  partitionsByTopic: {},
  groups: [],
  listedGroups: [],
  samples: {},
  topicEnds: {},
};

/**
 * Fold a refresh into the state: every aggregate the views show is computed here, once. A
 * refresh may bring only some groups (snap.listedGroups names them all; the others keep their
 * rows) and fresh offsets of only some topics (snap.offsetsOf; only those add a point to the
 * in-rates), so the work of a refresh follows what it read, not the size of the cluster.
 */
export function applyOverview(prev: OverviewState, snap: OverviewSnapshot): OverviewState {
  const partitionsByTopic: OverviewState['partitionsByTopic'] = {};
  for (const t of snap.topics) partitionsByTopic[t.name] = t.partitions;

  // Log starts as the topics carry them: a group committed below one lost records (ERROR).
  const logStart = (topic: string, partition: number) => {
    const start = partitionOf(partitionsByTopic[topic], partition)?.start;
    return start == null ? undefined : BigInt(start);
  };
  const samples: OverviewState['samples'] = {};
  const fresh = new Map(snap.groups.map((g) => [g.group, g]));
  const previous = new Map(prev.groups.map((g) => [g.group, g]));
  // A partial refresh lists every group; the ones it did not read keep their rows (a full one reads them all).
  const names = snap.listedGroups ? [...new Set(snap.listedGroups)] : [...fresh.keys()];
  const groups: DashboardGroup[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b))) {
    const sample = fresh.get(name);
    if (!sample) {
      const kept = previous.get(name);
      if (kept) {
        groups.push(kept);
        samples[name] = prev.samples[name]!;
      }
      continue;
    }
    const earlier = (prev.samples[name] ?? []).filter((h) => h.takenAt < sample.takenAt && sample.takenAt - h.takenAt <= LAG_WINDOW_MS);
    samples[name] = pushSpaced(earlier, sample, SAMPLE_SPACING_MS, (h) => h.takenAt);
    const lag = computeLag(sample, earlier);
    const { verdict, partitions: verdicts } = evaluateGroup({ samples: samples[name]!, windowMs: VERDICT_WINDOW_MS, commits: snap.commits?.get(name), logStart });
    const historyOf = historiesOf(previous.get(name), lag.partitions);
    // computeLag's partition objects are this refresh's own: they take the verdict and history in place.
    const partitions = lag.partitions as DashboardPartition[];
    for (let i = 0; i < partitions.length; i++) {
      partitions[i]!.status = verdicts[i]!.status;
      partitions[i]!.history = historyOf(i).push(partitions[i]!.lag ?? 0);
    }
    groups.push({ ...lag, partitions, status: verdict.status, reason: verdict.reason });
  }

  // Out-rates and readers over every group shown, read this refresh or earlier.
  const consumed = new Map<string, number>();
  const readers = new Map<string, number>();
  for (const g of groups) {
    for (const [topic, rate] of topicRatesOf(g)) {
      if (rate !== null) consumed.set(topic, (consumed.get(topic) ?? 0) + rate);
      readers.set(topic, (readers.get(topic) ?? 0) + 1);
    }
  }

  const topicEnds: OverviewState['topicEnds'] = {};
  const underReplicated: UnderReplicatedPartition[] = [];
  let partitionCount = 0;
  let offlineCount = 0;
  const topics = [...snap.topics]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t): TopicRow => {
      const parts = t.partitions;
      const { end, offsets, offline, underReplicated: urps } = totalsOf(t);
      underReplicated.push(...urps);
      partitionCount += parts.length;
      offlineCount += offline;
      const read = !snap.offsetsOf || snap.offsetsOf.has(t.name);
      const ends = read ? pushBounded(prev.topicEnds[t.name] ?? [], { at: snap.takenAt, end }, RATE_SAMPLES + 1) : (prev.topicEnds[t.name] ?? []);
      topicEnds[t.name] = ends;
      return {
        name: t.name,
        internal: t.internal,
        partitions: parts.length,
        replicationFactor: parts[0]?.replicas.length ?? 0,
        offsets,
        inRate: rateOf(ends),
        outRate: consumed.has(t.name) ? round(consumed.get(t.name)!) : null,
        underReplicated: urps.length,
        offline,
        consumerGroups: readers.get(t.name) ?? 0,
      };
    });

  return {
    at: snap.takenAt,
    error: null,
    cluster: {
      brokers: snap.brokers,
      controller: snap.controller,
      topics: topics.filter((t) => !t.internal).length,
      internalTopics: topics.filter((t) => t.internal).length,
      partitions: partitionCount,
      offline: offlineCount,
      underReplicated,
    },
    topics,
    partitionsByTopic,
    listedGroups: names,
    groups,
    samples,
    topicEnds,
  };
}

interface TopicTotals {
  /** Log end offsets, summed. */
  end: number;
  offsets: number;
  offline: number;
  underReplicated: UnderReplicatedPartition[];
}

const topicTotals = new WeakMap<TopicInfo, TopicTotals>();

/** Sums over a topic's partitions, once per TopicInfo: KnownTopics passes an unread topic on as the same object. */
function totalsOf(t: TopicInfo): TopicTotals {
  let totals = topicTotals.get(t);
  if (!totals) {
    totals = { end: 0, offsets: 0, offline: 0, underReplicated: [] };
    for (const p of t.partitions) {
      if (p.end !== null) totals.end += p.end;
      if (p.end !== null && p.start !== null) totals.offsets += p.end - p.start;
      if (p.leader === null) totals.offline++;
      if (p.isr.length < p.replicas.length) totals.underReplicated.push({ topic: t.name, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr });
    }
    topicTotals.set(t, totals);
  }
  return totals;
}

const topicRates = new WeakMap<DashboardGroup, Map<string, number | null>>();

/** The group's consumption rate per topic it reads (null: no rate yet), once per row: a kept row costs nothing again. */
function topicRatesOf(g: DashboardGroup): Map<string, number | null> {
  let rates = topicRates.get(g);
  if (!rates) {
    rates = new Map();
    for (const p of g.partitions) {
      const sum = rates.get(p.topic) ?? null;
      rates.set(p.topic, p.rate === null ? sum : (sum ?? 0) + p.rate);
    }
    topicRates.set(g, rates);
  }
  return rates;
}

/** The lag history of each partition of `now` (by index) as the group's last row had it; matched by index while the partitions are the same. */
function historiesOf(was: DashboardGroup | undefined, now: PartitionLag[]): (i: number) => RecentValues {
  const none = RecentValues.empty(LAG_HISTORY);
  if (!was) return () => none;
  if (samePartitions(was.partitions, now)) return (i) => was.partitions[i]!.history;
  const byKey = new Map(was.partitions.map((p) => [partitionKey(p.topic, p.partition), p.history]));
  return (i) => byKey.get(partitionKey(now[i]!.topic, now[i]!.partition)) ?? none;
}

/** Partition `id` of a topic's list (sorted by id, so almost always at index `id`). */
function partitionOf(parts: PartitionInfo[] | undefined, id: number): PartitionInfo | undefined {
  const at = parts?.[id];
  return at?.partition === id ? at : parts?.find((p) => p.partition === id);
}

function rateOf(ends: Array<{ at: number; end: number }>): number | null {
  const first = ends[0]!;
  const last = ends[ends.length - 1]!;
  const seconds = (last.at - first.at) / 1000;
  // A deleted and recreated topic restarts at 0: no rate rather than a negative one.
  if (ends.length < 2 || seconds <= 0 || last.end < first.end) return null;
  return round((last.end - first.end) / seconds);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
