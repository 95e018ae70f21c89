import type { ClusterSession } from '../kafka/cluster-session.js';
import { type Position, positionKey } from '../kafka/first-records.js';
import { type PartitionRange, rangesByPartition } from '../kafka/log-offsets.js';
import type { GroupSample, PartitionSample } from './compute-lag.js';
import { byTopicPartition } from '../kafka/topic-partition-order.js';

export interface LagScope {
  /** Named groups; undefined: every consumer group of the cluster. */
  groups?: string[];
  /** Only this topic's partitions. */
  topic?: string;
}

/** Requests in flight at once: enough to be quick, few enough not to flood the brokers. */
const CONCURRENCY = 8;

/**
 * One sample per group: state, member count, and per partition the committed offset, the log
 * end offset and the timestamp of the first unconsumed record (Fetches batched per broker, none
 * for a position `cache` knows from an earlier snapshot). Partitions are those the group
 * committed to or has assigned; with a topic, a named group shows all of that topic's
 * partitions even before it committed anything.
 */
export async function fetchLagSnapshot(session: ClusterSession, scope: LagScope, cache = new NextRecordCache()): Promise<GroupSample[]> {
  const groupIds = scope.groups ?? (await session.groups.list());
  const descriptions = await session.groups.describe(groupIds);
  const topicPartitions = scope.topic ? await session.offsets.partitions([scope.topic]) : new Map<string, number[]>();

  const perGroup = await mapConcurrently(descriptions, async (d) => {
    const committed = await session.groups.committed(d.group);
    const rows = new Map<string, { topic: string; partition: number; committed: bigint | null }>();
    const add = (topic: string, partition: number, offset: bigint | null) => {
      if (scope.topic !== undefined && topic !== scope.topic) return;
      const k = `${topic}\u0000${partition}`;
      if (!rows.has(k) || offset !== null) rows.set(k, { topic, partition, committed: offset });
    };
    for (const m of d.members) for (const a of m.assignment) for (const p of a.partitions) add(a.topic, p, null);
    for (const c of committed) add(c.topic, c.partition, c.offset);
    if (scope.topic !== undefined && (rows.size > 0 || scope.groups !== undefined)) {
      for (const p of topicPartitions.get(scope.topic) ?? []) add(scope.topic, p, null);
    }
    return { description: d, rows: [...rows.values()].sort(byTopicPartition) };
  });

  const visible = perGroup.filter((g) => scope.groups !== undefined || g.rows.length > 0);
  const rangeOf = rangeIndex(await session.offsets.ranges(uniqueRefs(visible.flatMap((g) => g.rows))));
  const takenAt = Date.now();

  const lagging = visible.flatMap((g) => g.rows.filter((r) => r.committed !== null && r.committed < rangeOf(r).latest));
  const timestamps = await nextRecordTimestamps(session, lagging, rangeOf, cache);

  return visible.map(({ description, rows }) => ({
    group: description.group,
    state: description.state,
    members: description.members.length,
    takenAt,
    partitions: rows.map((r): PartitionSample => {
      const next = timestamps.get(r);
      return {
        topic: r.topic,
        partition: r.partition,
        committed: r.committed,
        end: rangeOf(r).latest,
        nextRecordTimestamp: typeof next === 'number' ? next : null,
        ...(next === 'none' ? { onlyMarkersPending: true } : {}),
      };
    }),
  }));
}

type RangeOf = (p: { topic: string; partition: number }) => PartitionRange;

/** Look-up of each partition's range. */
function rangeIndex(ranges: PartitionRange[]): RangeOf {
  const byTopic = rangesByPartition(ranges);
  return (p) => byTopic.get(p.topic)!.get(p.partition)!;
}

/**
 * What earlier snapshots learned of each position: the timestamp of the first record at or
 * after it, which never changes (offsets are immutable), or 'none' (only markers up to the
 * end), which holds while the end stays put. A watch, `lag serve` or the dashboard passes one
 * so a group sitting at the same offset costs no Fetch. A position no snapshot asked for in
 * the last `keepMs` is forgotten (0: only the last snapshot's; the dashboard, which reads a
 * share of the groups per refresh, keeps a full round of them), so memory follows the
 * partitions watched, not the offsets seen.
 */
export class NextRecordCache {
  private known = new Map<string, { next: number | 'none'; end: bigint; used: number }>();
  private snapshotAt = 0;

  constructor(private readonly keepMs = 0) {}

  /** Start a snapshot: what `get` hits from now on counts as used by it. */
  begin(): void {
    this.snapshotAt = Date.now();
  }

  get(key: string, end: bigint): number | 'none' | undefined {
    const hit = this.known.get(key);
    if (!hit || (hit.next === 'none' && hit.end !== end)) return undefined;
    hit.used = this.snapshotAt;
    return hit.next;
  }

  /** Remember what this snapshot read, and forget positions unused for longer than `keepMs`. */
  learn(entries: Map<string, { next: number | 'none'; end: bigint }>): void {
    for (const [key, e] of entries) this.known.set(key, { ...e, used: this.snapshotAt });
    for (const [key, e] of this.known) if (e.used < this.snapshotAt - this.keepMs) this.known.delete(key);
  }
}

/**
 * Timestamp of the first record at or after each row's committed offset, or 'none' when only
 * transaction markers follow; groups sharing a position share the read, and the reads are
 * batched per leader broker (firstRecords).
 */
async function nextRecordTimestamps<R extends { topic: string; partition: number; committed: bigint | null }>(
  session: ClusterSession,
  rows: R[],
  rangeOf: RangeOf,
  cache: NextRecordCache,
): Promise<Map<R, number | 'none'>> {
  const keys: string[] = [];
  const byPosition = new Map<string, Position>();
  for (const r of rows) {
    const range = rangeOf(r);
    // Below the log start (retention deleted it), the first unconsumed record is the oldest one left.
    const position = { topic: r.topic, partition: r.partition, offset: r.committed! < range.earliest ? range.earliest : r.committed!, until: range.latest };
    const key = positionKey(position);
    keys.push(key);
    if (!byPosition.has(key)) byPosition.set(key, position);
  }
  const known = new Map<string, number | 'none'>();
  const toRead: Position[] = [];
  cache.begin();
  for (const [key, p] of byPosition) {
    const next = cache.get(key, p.until);
    if (next === undefined) toRead.push(p);
    else known.set(key, next);
  }
  const learned = new Map<string, { next: number | 'none'; end: bigint }>();
  for (const [key, first] of await session.records.firstRecords(toRead)) {
    const next = first === 'end' ? 'none' : first.timestamp;
    learned.set(key, { next, end: byPosition.get(key)!.until });
    known.set(key, next);
  }
  cache.learn(learned);
  const out = new Map<R, number | 'none'>();
  rows.forEach((r, i) => {
    const hit = known.get(keys[i]!);
    if (hit !== undefined) out.set(r, hit);
  });
  return out;
}

/** `fn` over `items` with at most CONCURRENCY calls in flight; results in input order. */
async function mapConcurrently<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

/** Each topic-partition of `rows` once. */
export function uniqueRefs(rows: Array<{ topic: string; partition: number }>): Array<{ topic: string; partition: number }> {
  const seen = new Map<string, { topic: string; partition: number }>();
  for (const r of rows) seen.set(`${r.topic}\u0000${r.partition}`, { topic: r.topic, partition: r.partition });
  return [...seen.values()];
}
