import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { type ClusterSession, withClusterSession } from '../kafka/cluster-session.js';
import { decodeOffsetCommit, offsetsPartitionFor } from '../kafka/offset-commit-records.js';
import { withTopicAdmin } from '../kafka/topic-admin.js';
import { type GroupSample, computeLag } from './compute-lag.js';
import { type LagScope, NextRecordCache, fetchLagSnapshot } from './fetch-lag-snapshot.js';
import { type CommitSeen, type LagStatus, evaluateGroup, partitionKey } from './lag-verdict.js';

export interface EvaluatedPartition {
  topic: string;
  partition: number;
  status: LagStatus;
  reason: string;
  lag: number | null;
  timeLagMs: number | null;
  lostRecords: number;
  /** Time until retention.ms deletes the first unconsumed record; null without lag or time-based deletion. */
  retentionRiskMs: number | null;
}

export interface EvaluatedGroup {
  group: string;
  status: LagStatus;
  reason: string;
  state: string;
  members: number;
  totalLag: number;
  maxTimeLagMs: number | null;
  partitions: EvaluatedPartition[];
}

export interface EvaluateOptions {
  scope: LagScope;
  windowMs: number;
  intervalMs: number;
  signal: AbortSignal;
}

const OFFSETS_TOPIC = '__consumer_offsets';

/**
 * `lag --evaluate`: sample every group's offsets through the window, read the commits the
 * groups made meanwhile from `__consumer_offsets` (with their timestamps, unchanged offsets
 * included) and the partitions' log start, and judge each partition and group.
 */
export async function evaluateLag(conn: Connection, opts: EvaluateOptions): Promise<EvaluatedGroup[]> {
  const judgedGroups = await withClusterSession(
    conn,
    async (session) => {
      const startedAt = Date.now();
      const offsetsStart = await offsetsTopicEnds(session);
      const samples = new Map<string, GroupSample[]>();
      const nextRecords = new NextRecordCache();
      const rounds = Math.max(2, Math.round(opts.windowMs / opts.intervalMs) + 1);
      for (let i = 0; i < rounds; i++) {
        if (i > 0) await sleep(Math.max(0, startedAt + i * opts.intervalMs - Date.now()), undefined, { signal: opts.signal }).catch(() => undefined);
        if (opts.signal.aborted) throw new InterruptedError(`lag evaluation stopped by signal after ${i} of ${rounds} samples`);
        for (const s of await fetchLagSnapshot(session, opts.scope, nextRecords)) samples.set(s.group, [...(samples.get(s.group) ?? []), s]);
      }
      const commits = await commitsSince(session, [...samples.keys()], offsetsStart);
      const logStart = await logStartOf(session, [...samples.values()].map((list) => list.at(-1)!));
      return [...samples].map(([group, list]) => {
        // A group seen through the window is judged on the span its samples cover (timers run a
        // little early or late); one that appeared meanwhile has not been watched long enough.
        const span = list.at(-1)!.takenAt - list[0]!.takenAt;
        const windowMs = span >= opts.windowMs - opts.intervalMs / 2 ? span : opts.windowMs;
        return { group, list, judged: judged(group, list, windowMs, commits.get(group) ?? new Map(), logStart) };
      });
    },
    'streamflow-lag',
  );
  const retention = await retentionMsByTopic(conn, [...new Set(judgedGroups.flatMap((g) => g.judged.partitions.filter((p) => (p.lag ?? 0) > 0).map((p) => p.topic)))]);
  return judgedGroups.map(({ list, judged: g }) => {
    const next = new Map(list.at(-1)!.partitions.map((p) => [partitionKey(p.topic, p.partition), p.nextRecordTimestamp]));
    const takenAt = list.at(-1)!.takenAt;
    return {
      ...g,
      partitions: g.partitions.map((p) => {
        const first = next.get(partitionKey(p.topic, p.partition));
        const ms = retention.get(p.topic);
        // The first unconsumed record goes when it is retention.ms old (at the latest: deletion runs per segment).
        return { ...p, retentionRiskMs: (p.lag ?? 0) > 0 && first != null && ms != null ? Math.max(0, first + ms - takenAt) : null };
      }),
    };
  });
}

/** retention.ms of each topic that deletes by time (cleanup.policy delete, retention.ms not -1). */
async function retentionMsByTopic(conn: Connection, topics: string[]): Promise<Map<string, number>> {
  if (topics.length === 0) return new Map();
  const configs = await withTopicAdmin(conn, (admin) => admin.configs(topics));
  const out = new Map<string, number>();
  for (const [topic, entries] of configs) {
    const value = (name: string) => entries.find((e) => e.name === name)?.value ?? null;
    const ms = Number(value('retention.ms'));
    if ((value('cleanup.policy') ?? 'delete').includes('delete') && ms > 0) out.set(topic, ms);
  }
  return out;
}

function judged(group: string, list: GroupSample[], windowMs: number, commits: Map<string, CommitSeen[]>, logStart: Map<string, bigint>): EvaluatedGroup {
  const { verdict, partitions } = evaluateGroup({ samples: list, windowMs, commits, logStart });
  const lag = computeLag(list.at(-1)!);
  const byKey = new Map(partitions.map((p) => [partitionKey(p.topic, p.partition), p]));
  return {
    group,
    status: verdict.status,
    reason: verdict.reason,
    state: lag.state,
    members: lag.members,
    totalLag: lag.totalLag,
    maxTimeLagMs: lag.maxLagMs,
    partitions: lag.partitions.map((p) => {
      const v = byKey.get(partitionKey(p.topic, p.partition))!;
      return { topic: p.topic, partition: p.partition, status: v.status, reason: v.reason, lag: p.lag, timeLagMs: p.lagMs, lostRecords: v.lostRecords, retentionRiskMs: null };
    }),
  };
}

/** Where each `__consumer_offsets` partition ends as the window starts: the commits after are the window's. */
async function offsetsTopicEnds(session: ClusterSession): Promise<Map<number, bigint>> {
  const partitions = (await session.offsets.partitions([OFFSETS_TOPIC])).get(OFFSETS_TOPIC) ?? [];
  const ranges = await session.offsets.ranges(partitions.map((partition) => ({ topic: OFFSETS_TOPIC, partition })));
  return new Map(ranges.map((r) => [r.partition, r.latest]));
}

/** Each group's commits since `from`, per topic-partition, read from the groups' `__consumer_offsets` partitions. */
async function commitsSince(session: ClusterSession, groups: string[], from: Map<number, bigint>): Promise<Map<string, Map<string, CommitSeen[]>>> {
  const wanted = new Set(groups);
  const out = new Map<string, Map<string, CommitSeen[]>>(groups.map((g) => [g, new Map()]));
  const partitions = new Set(groups.map((g) => offsetsPartitionFor(g, from.size)));
  for (const partition of partitions) {
    const [range] = await session.offsets.ranges([{ topic: OFFSETS_TOPIC, partition }]);
    for (let at = from.get(partition) ?? range!.latest; at < range!.latest; ) {
      const read = await session.records.read(OFFSETS_TOPIC, partition, at, { maxRecords: 50_000, untilOffset: range!.latest });
      for (const r of read.records) {
        const c = decodeOffsetCommit(r.key, r.value);
        if (!c || c.offset === null || !wanted.has(c.group)) continue;
        const byPartition = out.get(c.group)!;
        const key = partitionKey(c.topic, c.partition);
        const seen = { at: c.commitTimestamp!, offset: c.offset };
        const list = byPartition.get(key);
        if (list) list.push(seen);
        else byPartition.set(key, [seen]);
      }
      if (read.atEnd || read.nextOffset <= at) break;
      at = read.nextOffset;
    }
  }
  return out;
}

/** The log start offset of every partition the samples name (each once), by partitionKey. */
export async function logStartOf(session: ClusterSession, samples: GroupSample[]): Promise<Map<string, bigint>> {
  const refs = new Map(samples.flatMap((s) => s.partitions.map((p) => [partitionKey(p.topic, p.partition), { topic: p.topic, partition: p.partition }] as const)));
  return new Map((await session.offsets.ranges([...refs.values()])).map((r) => [partitionKey(r.topic, r.partition), r.earliest]));
}
