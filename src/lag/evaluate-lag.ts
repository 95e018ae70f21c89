import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { type ClusterSession, withClusterSession } from '../kafka/cluster-session.js';
import { withTopicAdmin } from '../kafka/topic-admin.js';
import { type GroupSample, computeLag } from './compute-lag.js';
import { type LagScope, NextRecordCache, fetchLagSnapshot } from './fetch-lag-snapshot.js';
import { uniqueRefs } from '../kafka/topic-partition-map.js';
import { CommitLog } from './commit-log.js';
import { type RetentionPolicy, retentionRiskMs } from './retention-risk.js';
import { type CommitSeen, type LagStatus, evaluateGroup, partitionKey } from './lag-verdict.js';

export interface EvaluatedPartition {
  topic: string;
  partition: number;
  status: LagStatus;
  reason: string;
  lag: number | null;
  timeLagMs: number | null;
  lostRecords: number;
  /** Time until retention (retention.ms or retention.bytes) deletes the first unconsumed record, at the soonest; null without lag or deletion. */
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

/**
 * `lag --evaluate`: sample every group's offsets through the window, read the commits the
 * groups made meanwhile from `__consumer_offsets` (with their timestamps, unchanged offsets
 * included) and the partitions' log start, and judge each partition and group.
 */
export async function evaluateLag(conn: Connection, opts: EvaluateOptions): Promise<EvaluatedGroup[]> {
  return withClusterSession(
    conn,
    async (session) => {
      const startedAt = Date.now();
      const commits = new CommitLog();
      await commits.start(session);
      const samples = new Map<string, GroupSample[]>();
      const nextRecords = new NextRecordCache();
      const rounds = Math.max(2, Math.round(opts.windowMs / opts.intervalMs) + 1);
      for (let i = 0; i < rounds; i++) {
        if (i > 0) await sleep(Math.max(0, startedAt + i * opts.intervalMs - Date.now()), undefined, { signal: opts.signal }).catch(() => undefined);
        if (opts.signal.aborted) throw new InterruptedError(`lag evaluation stopped by signal after ${i} of ${rounds} samples`);
        for (const s of await fetchLagSnapshot(session, opts.scope, nextRecords)) samples.set(s.group, [...(samples.get(s.group) ?? []), s]);
      }
      await commits.poll(session, samples.keys());
      const logStart = await logStartOf(session, [...samples.values()].map((list) => list.at(-1)!));
      const judgedGroups = [...samples].map(([group, list]) => {
        // A group seen through the window is judged on the span its samples cover (timers run a
        // little early or late); one that appeared meanwhile has not been watched long enough.
        const span = list.at(-1)!.takenAt - list[0]!.takenAt;
        const windowMs = span >= opts.windowMs - opts.intervalMs / 2 ? span : opts.windowMs;
        return { list, judged: judged(group, list, windowMs, commits.commitsOf(group), logStart) };
      });
      return withRetentionRisk(conn, session, judgedGroups, logStart);
    },
    'streamflow-lag',
  );
}

/** Each lagging partition's retentionRiskMs, from its topic's retention.ms and retention.bytes, its size and its append rate through the window. */
async function withRetentionRisk(
  conn: Connection,
  session: ClusterSession,
  groups: Array<{ list: GroupSample[]; judged: EvaluatedGroup }>,
  logStart: Map<string, bigint>,
): Promise<EvaluatedGroup[]> {
  const lagging = groups.flatMap((g) => g.judged.partitions.filter((p) => (p.lag ?? 0) > 0));
  const policies = await retentionPolicies(conn, [...new Set(lagging.map((p) => p.topic))]);
  const bySize = uniqueRefs(lagging.filter((p) => policies.get(p.topic)?.retentionBytes != null));
  const sizes = bySize.length ? await session.offsets.sizes(bySize) : new Map<string, bigint>();
  return groups.map(({ list, judged: g }) => {
    const first = list[0]!;
    const last = list.at(-1)!;
    const spanSec = (last.takenAt - first.takenAt) / 1000;
    const endAtStart = new Map(first.partitions.map((p) => [partitionKey(p.topic, p.partition), p.end]));
    const sampleOf = new Map(last.partitions.map((p) => [partitionKey(p.topic, p.partition), p]));
    return {
      ...g,
      partitions: g.partitions.map((p) => {
        const key = partitionKey(p.topic, p.partition);
        const policy = policies.get(p.topic);
        const sample = sampleOf.get(key)!;
        if ((p.lag ?? 0) === 0 || !policy || sample.committed === null) return p;
        const start = logStart.get(key) ?? 0n;
        const begun = endAtStart.get(key);
        const retentionRisk = retentionRiskMs(policy, {
          takenAt: last.takenAt,
          firstUnconsumedTimestamp: sample.nextRecordTimestamp,
          firstUnconsumed: sample.committed > start ? sample.committed : start,
          logStart: start,
          end: sample.end,
          sizeBytes: sizes.get(`${p.topic}\u0000${p.partition}`),
          appendRatePerSec: begun !== undefined && spanSec > 0 ? Number(sample.end - begun) / spanSec : null,
        });
        return { ...p, retentionRiskMs: retentionRisk };
      }),
    };
  });
}

/** How each topic deletes: retention.ms and retention.bytes where cleanup.policy includes delete and the value is not -1. */
async function retentionPolicies(conn: Connection, topics: string[]): Promise<Map<string, RetentionPolicy>> {
  if (topics.length === 0) return new Map();
  const configs = await withTopicAdmin(conn, (admin) => admin.configs(topics));
  const out = new Map<string, RetentionPolicy>();
  for (const [topic, entries] of configs) {
    const value = (name: string) => entries.find((e) => e.name === name)?.value ?? null;
    if (!(value('cleanup.policy') ?? 'delete').includes('delete')) continue;
    const positive = (name: string) => {
      const n = Number(value(name));
      return n > 0 ? n : null;
    };
    out.set(topic, { retentionMs: positive('retention.ms'), retentionBytes: positive('retention.bytes') });
  }
  return out;
}

function judged(group: string, list: GroupSample[], windowMs: number, commits: Map<string, CommitSeen[]> | undefined, logStart: Map<string, bigint>): EvaluatedGroup {
  const { verdict, partitions } = evaluateGroup({ samples: list, windowMs, commits, logStart: (topic, partition) => logStart.get(partitionKey(topic, partition)) });
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

/** The log start offset of every partition the samples name (each once), by partitionKey. */
export async function logStartOf(session: ClusterSession, samples: GroupSample[]): Promise<Map<string, bigint>> {
  const refs = uniqueRefs(samples.flatMap((s) => s.partitions));
  return new Map((await session.offsets.ranges(refs)).map((r) => [partitionKey(r.topic, r.partition), r.earliest]));
}
