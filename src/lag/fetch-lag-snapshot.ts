import type { ClusterSession } from '../kafka/cluster-session.js';
import { type Position, positionKey } from '../kafka/first-records.js';
import type { PartitionRange } from '../kafka/log-offsets.js';
import type { GroupSample, PartitionSample } from './compute-lag.js';

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
    return { description: d, rows: [...rows.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition) };
  });

  const visible = perGroup.filter((g) => scope.groups !== undefined || g.rows.length > 0);
  const refs = uniqueRefs(visible.flatMap((g) => g.rows));
  const ranges = new Map((await session.offsets.ranges(refs)).map((r) => [`${r.topic}\u0000${r.partition}`, r]));
  const takenAt = Date.now();

  const timestamps = await nextRecordTimestamps(
    session,
    visible.flatMap((g) => g.rows.filter((r) => r.committed !== null && r.committed < ranges.get(`${r.topic}\u0000${r.partition}`)!.latest)),
    ranges,
    cache,
  );

  return visible.map(({ description, rows }) => ({
    group: description.group,
    state: description.state,
    members: description.members.length,
    takenAt,
    partitions: rows.map((r): PartitionSample => {
      const range = ranges.get(`${r.topic}\u0000${r.partition}`)!;
      const next = r.committed === null ? undefined : timestamps.get(`${r.topic}\u0000${r.partition}\u0000${r.committed}`);
      return {
        topic: r.topic,
        partition: r.partition,
        committed: r.committed,
        end: range.latest,
        nextRecordTimestamp: typeof next === 'number' ? next : null,
        ...(next === 'none' ? { onlyMarkersPending: true } : {}),
      };
    }),
  }));
}

/**
 * What earlier snapshots learned of each position: the timestamp of the first record at or
 * after it, which never changes (offsets are immutable), or 'none' (only markers up to the
 * end), which holds while the end stays put. A watch, `lag serve` or the dashboard passes one
 * so a group sitting at the same offset costs no Fetch; it keeps only the last snapshot's
 * positions, so memory follows the partitions watched, not the offsets seen.
 */
export class NextRecordCache {
  private known = new Map<string, { next: number | 'none'; end: bigint }>();

  get(key: string, end: bigint): number | 'none' | undefined {
    const hit = this.known.get(key);
    return hit && (hit.next !== 'none' || hit.end === end) ? hit.next : undefined;
  }

  replace(entries: Map<string, { next: number | 'none'; end: bigint }>): void {
    this.known = entries;
  }
}

/**
 * Timestamp of the first record at or after each (partition, committed offset), or 'none' when
 * only transaction markers follow; groups sharing a position share the read, and the reads
 * are batched per leader broker (firstRecords).
 */
async function nextRecordTimestamps(
  session: ClusterSession,
  positions: Array<{ topic: string; partition: number; committed: bigint | null }>,
  ranges: Map<string, PartitionRange>,
  cache: NextRecordCache,
): Promise<Map<string, number | 'none'>> {
  const wanted = new Map<string, Position>();
  for (const p of positions) {
    const range = ranges.get(`${p.topic}\u0000${p.partition}`)!;
    // Below the log start (retention deleted it), the first unconsumed record is the oldest one left.
    const offset = p.committed! < range.earliest ? range.earliest : p.committed!;
    wanted.set(`${p.topic}\u0000${p.partition}\u0000${p.committed}`, { topic: p.topic, partition: p.partition, offset, until: range.latest });
  }
  const byPosition = new Map([...wanted.values()].map((p) => [positionKey(p), p]));
  const learned = new Map<string, { next: number | 'none'; end: bigint }>();
  const toRead: Position[] = [];
  for (const [key, p] of byPosition) {
    const next = cache.get(key, p.until);
    if (next === undefined) toRead.push(p);
    else learned.set(key, { next, end: p.until });
  }
  for (const [key, first] of await session.records.firstRecords(toRead)) {
    learned.set(key, { next: first === 'end' ? 'none' : first.timestamp, end: byPosition.get(key)!.until });
  }
  cache.replace(learned);
  const out = new Map<string, number | 'none'>();
  for (const [k, p] of wanted) {
    const hit = learned.get(positionKey(p));
    if (hit) out.set(k, hit.next);
  }
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
