import { type GroupSample, computeLag } from '../../lag/compute-lag.js';
import { type LagStatus, type WatchedGroup, evaluateGroup, partitionKey } from '../../lag/lag-verdict.js';
import type { BrokerInfo } from '../../kafka/topic-admin.js';
import { pushBounded } from './history-ring.js';
import type { OverviewSnapshot, PartitionInfo } from './snapshots.js';

/** Points of lag history kept per partition (the sparkline shows as many as fit). */
export const LAG_HISTORY = 60;
/** A topic's in-rate spans this many refreshes, so one slow poll does not swing it. */
const RATE_SAMPLES = 5;
/** Group rates and ETAs compare samples up to this far apart (as `lag --watch` does, shorter). */
const LAG_WINDOW_MS = 30_000;
/** Verdicts judge the samples of this much of the lag window (a full one spans it less a refresh). */
export const VERDICT_WINDOW_MS = 20_000;
const MAX_GROUP_SAMPLES = 30;

/** A group as the views show it: its lag, its verdict and each partition's (by partitionKey). */
export type DashboardGroup = WatchedGroup & { partitionStatus?: Record<string, LagStatus> };

export interface TopicRow {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  /** end - start summed over partitions. */
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
  /** Recent samples per group, for rates and ETAs. */
  samples: Record<string, GroupSample[]>;
  /** Summed log end offsets per topic at recent refreshes, for in-rates. */
  topicEnds: Record<string, Array<{ at: number; end: number }>>;
  /** Lag per partition of each group at recent refreshes (lagKey), oldest first. */
  lagHistory: Record<string, number[]>;
}

export const emptyOverview: OverviewState = {
  at: null,
  error: null,
  cluster: null,
  topics: [],
  partitionsByTopic: {},
  groups: [],
  samples: {},
  topicEnds: {},
  lagHistory: {},
};

export function lagKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}\u0000${partition}`;
}

/** Fold a refresh into the state: every aggregate the views show is computed here, once. */
export function applyOverview(prev: OverviewState, snap: OverviewSnapshot): OverviewState {
  const samples: OverviewState['samples'] = {};
  const lagHistory: OverviewState['lagHistory'] = {};
  const consumed = new Map<string, number>();
  const readers = new Map<string, Set<string>>();
  // Log starts as this refresh listed them: a group committed below one lost records (ERROR).
  const logStart = new Map(snap.topics.flatMap((t) => t.partitions.filter((p) => p.start !== null).map((p) => [partitionKey(t.name, p.partition), BigInt(p.start!)] as const)));
  const groups = [...snap.groups]
    .sort((a, b) => a.group.localeCompare(b.group))
    .map((sample) => {
      const earlier = (prev.samples[sample.group] ?? []).filter((h) => h.takenAt < sample.takenAt && sample.takenAt - h.takenAt <= LAG_WINDOW_MS);
      samples[sample.group] = pushBounded(earlier, sample, MAX_GROUP_SAMPLES);
      const lag = computeLag(sample, earlier);
      const { verdict, partitions: verdicts } = evaluateGroup({ samples: samples[sample.group]!, windowMs: VERDICT_WINDOW_MS, commits: snap.commits?.get(sample.group), logStart });
      for (const p of lag.partitions) {
        const key = lagKey(lag.group, p.topic, p.partition);
        lagHistory[key] = pushBounded(prev.lagHistory[key] ?? [], p.lag ?? 0, LAG_HISTORY);
        if (p.rate !== null) consumed.set(p.topic, (consumed.get(p.topic) ?? 0) + p.rate);
        readers.set(p.topic, (readers.get(p.topic) ?? new Set()).add(lag.group));
      }
      const partitionStatus = Object.fromEntries(verdicts.map((v) => [partitionKey(v.topic, v.partition), v.status]));
      return { ...lag, status: verdict.status, reason: verdict.reason, partitionStatus };
    });

  const topicEnds: OverviewState['topicEnds'] = {};
  const partitionsByTopic: OverviewState['partitionsByTopic'] = {};
  const underReplicated: UnderReplicatedPartition[] = [];
  let partitionCount = 0;
  let offlineCount = 0;
  const topics = [...snap.topics]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t): TopicRow => {
      partitionsByTopic[t.name] = t.partitions;
      let end = 0;
      let offsets = 0;
      let urp = 0;
      let offline = 0;
      for (const p of t.partitions) {
        if (p.end !== null) end += p.end;
        if (p.end !== null && p.start !== null) offsets += p.end - p.start;
        if (p.leader === null) offline++;
        if (p.isr.length < p.replicas.length) {
          urp++;
          underReplicated.push({ topic: t.name, partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr });
        }
      }
      partitionCount += t.partitions.length;
      offlineCount += offline;
      const ends = pushBounded(prev.topicEnds[t.name] ?? [], { at: snap.takenAt, end }, RATE_SAMPLES + 1);
      topicEnds[t.name] = ends;
      return {
        name: t.name,
        internal: t.internal,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        offsets,
        inRate: rateOf(ends),
        outRate: consumed.has(t.name) ? round(consumed.get(t.name)!) : null,
        underReplicated: urp,
        offline,
        consumerGroups: readers.get(t.name)?.size ?? 0,
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
    groups,
    samples,
    topicEnds,
    lagHistory,
  };
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
