import type { ClusterSession } from '../kafka/cluster-session.js';
import { type Position, positionKey } from '../kafka/first-records.js';
import { type PartitionRange, rangesByPartition } from '../kafka/log-offsets.js';
import type { GroupSample, PartitionSample } from './compute-lag.js';
import { byTopicPartition } from '../kafka/topic-partition-order.js';
import { TopicPartitionMap, uniqueRefs } from '../kafka/topic-partition-map.js';

export interface LagScope {
  /** Named groups; undefined: every consumer group of the cluster. */
  groups?: string[];
  /** Only this topic's partitions. */
  topic?: string;
}

/**
 * One sample per group: state, member count, and per partition the committed offset, the log
 * end offset and the timestamp of the first unconsumed record (Fetches batched per broker, none
 * for a position `cache` knows from an earlier snapshot). Partitions are those the group
 * committed to or has assigned; with a topic, a named group shows all of that topic's
 * partitions even before it committed anything.
 */
export async function fetchLagSnapshot(session: ClusterSession, scope: LagScope, cache = new NextRecordCache()): Promise<GroupSample[]> {
  const groupIds = scope.groups ?? (await session.groups.list());
  const [descriptions, committedByGroup] = await Promise.all([session.groups.describe(groupIds), session.groups.committedOf(groupIds)]);
  const topicPartitions = scope.topic ? await session.offsets.partitions([scope.topic]) : new Map<string, number[]>();

  const perGroup = descriptions.map((d, i) => {
    const committed = committedByGroup[i]!;
    const rows = new TopicPartitionMap<Row>();
    const add = (topic: string, partition: number, offset: bigint | null) => {
      if (scope.topic !== undefined && topic !== scope.topic) return;
      if (offset !== null || rows.get(topic, partition) === undefined) rows.set(topic, partition, { topic, partition, committed: offset });
    };
    for (const m of d.members) for (const a of m.assignment) for (const p of a.partitions) add(a.topic, p, null);
    for (const c of committed) add(c.topic, c.partition, c.offset);
    if (scope.topic !== undefined && (rows.size > 0 || scope.groups !== undefined)) {
      for (const p of topicPartitions.get(scope.topic) ?? []) add(scope.topic, p, null);
    }
    return { description: d, rows: rows.values().sort(byTopicPartition) };
  });

  const visible = perGroup.filter((g) => scope.groups !== undefined || g.rows.length > 0);
  const rangeOf = rangeIndex(await session.offsets.ranges(uniqueRefs(visible.flatMap((g) => g.rows))));
  const takenAt = Date.now();
  for (const g of visible) for (const r of g.rows) r.range = rangeOf(r);

  const lagging = visible.flatMap((g) => g.rows.filter((r) => r.committed !== null && r.committed < r.range!.latest));
  await readNextRecords(session, lagging, cache);

  return visible.map(({ description, rows }) => ({
    group: description.group,
    state: description.state,
    members: description.members.length,
    takenAt,
    partitions: rows.map((r): PartitionSample => {
      const p: PartitionSample = { topic: r.topic, partition: r.partition, committed: r.committed, end: r.range!.latest, nextRecordTimestamp: typeof r.next === 'number' ? r.next : null };
      if (r.next === 'none') p.onlyMarkersPending = true;
      return p;
    }),
  }));
}

/** A partition of a group while its sample is put together. */
interface Row {
  topic: string;
  partition: number;
  committed: bigint | null;
  range?: PartitionRange;
  /** The first unconsumed record's timestamp, or 'none' when only transaction markers follow. */
  next?: NextRecord;
}

type NextRecord = number | 'none';

/** Look-up of each partition's range. */
function rangeIndex(ranges: PartitionRange[]): (p: { topic: string; partition: number }) => PartitionRange {
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
  /** By topic, partition and offset: no key string to build per partition and snapshot. */
  private known = new Map<string, Map<number, Map<bigint, { next: NextRecord; end: bigint; used: number }>>>();
  private snapshotAt = 0;
  private sweptAt = 0;

  constructor(private readonly keepMs = 0) {}

  /** Start a snapshot: what `get` hits from now on counts as used by it. */
  begin(): void {
    this.snapshotAt = Date.now();
  }

  get(p: Position): NextRecord | undefined {
    const hit = this.known.get(p.topic)?.get(p.partition)?.get(p.offset);
    if (!hit || (hit.next === 'none' && hit.end !== p.until)) return undefined;
    hit.used = this.snapshotAt;
    return hit.next;
  }

  set(p: Position, next: NextRecord): void {
    let partitions = this.known.get(p.topic);
    if (!partitions) this.known.set(p.topic, (partitions = new Map()));
    let offsets = partitions.get(p.partition);
    if (!offsets) partitions.set(p.partition, (offsets = new Map()));
    offsets.set(p.offset, { next, end: p.until, used: this.snapshotAt });
  }

  /** End a snapshot: forget positions unused for longer than `keepMs` (looked over every keepMs/2, not at every snapshot). */
  end(): void {
    if (this.snapshotAt - this.sweptAt < this.keepMs / 2) return;
    this.sweptAt = this.snapshotAt;
    const oldest = this.snapshotAt - this.keepMs;
    for (const [topic, partitions] of this.known) {
      for (const [partition, offsets] of partitions) {
        for (const [offset, e] of offsets) if (e.used < oldest) offsets.delete(offset);
        if (offsets.size === 0) partitions.delete(partition);
      }
      if (partitions.size === 0) this.known.delete(topic);
    }
  }
}

/**
 * Each row's `next`: the first record at or after its committed offset, from the cache or read
 * (groups sharing a position share the read, batched per leader broker by firstRecords).
 */
async function readNextRecords(session: ClusterSession, rows: Row[], cache: NextRecordCache): Promise<void> {
  const unknown = new Map<string, { position: Position; rows: Row[] }>();
  cache.begin();
  for (const r of rows) {
    const range = r.range!;
    // Below the log start (retention deleted it), the first unconsumed record is the oldest one left.
    const position = { topic: r.topic, partition: r.partition, offset: r.committed! < range.earliest ? range.earliest : r.committed!, until: range.latest };
    const hit = cache.get(position);
    if (hit !== undefined) {
      r.next = hit;
      continue;
    }
    const key = positionKey(position);
    const read = unknown.get(key);
    if (read) read.rows.push(r);
    else unknown.set(key, { position, rows: [r] });
  }
  if (unknown.size > 0) {
    const found = await session.records.firstRecords([...unknown.values()].map((u) => u.position));
    for (const [key, u] of unknown) {
      const first = found.get(key);
      if (first === undefined) continue;
      const next = first === 'end' ? 'none' : first.timestamp;
      cache.set(u.position, next);
      for (const r of u.rows) r.next = next;
    }
  }
  cache.end();
}
