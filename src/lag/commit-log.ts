import type { ClusterSession } from '../kafka/cluster-session.js';
import { decodeOffsetCommit, offsetsPartitionFor } from '../kafka/offset-commit-records.js';
import type { PartitionRange } from '../kafka/log-offsets.js';
import { readToEnd } from '../kafka/read-to-end.js';
import { type CommitSeen, partitionKey } from './lag-verdict.js';

const OFFSETS_TOPIC = '__consumer_offsets';

/**
 * The groups' commits as `__consumer_offsets` records them, with their timestamps and the
 * commits of an unchanged offset that OffsetFetch cannot show (STALL apart from STOP), tailed
 * from where the topic ended at `start()`. Memory is bounded by the window: only the commits
 * of the last `windowMs` of the groups last asked for are kept. While the topic cannot be read
 * (ACLs, a cluster that hides it, a failed read) `commitsOf` answers undefined, "commits not
 * observed", and `unavailable` says why.
 */
export class CommitLog {
  private readonly next = new Map<number, bigint>();
  private readonly byGroup = new Map<string, Map<string, CommitSeen[]>>();
  unavailable: string | undefined;

  /** `windowMs` undefined: keep every commit since start() (one bounded `lag --evaluate` window). */
  constructor(private readonly windowMs?: number) {}

  async start(session: ClusterSession): Promise<void> {
    this.unavailable = undefined;
    try {
      const partitions = (await session.offsets.partitions([OFFSETS_TOPIC])).get(OFFSETS_TOPIC) ?? [];
      if (partitions.length === 0) throw new Error(`${OFFSETS_TOPIC} has no partitions`);
      for (const r of await session.offsets.ranges(partitions.map((partition) => ({ topic: OFFSETS_TOPIC, partition })))) this.next.set(r.partition, r.latest);
    } catch (err) {
      this.unavailable = `cannot read ${OFFSETS_TOPIC}: ${(err as Error).message}`;
    }
  }

  /** Read the commits made since the last poll in the `__consumer_offsets` partitions of `groups`; forget other groups. */
  async poll(session: ClusterSession, groups: Iterable<string>, now = Date.now()): Promise<void> {
    // A start that failed (a broker briefly away) is tried again; ACLs keep failing it.
    if (this.next.size === 0) await this.start(session);
    if (this.next.size === 0) return;
    const wanted = new Set(groups);
    for (const g of this.byGroup.keys()) if (!wanted.has(g)) this.byGroup.delete(g);
    for (const g of wanted) if (!this.byGroup.has(g)) this.byGroup.set(g, new Map());
    try {
      const partitions = [...new Set([...wanted].map((g) => offsetsPartitionFor(g, this.next.size)))];
      // One ListOffsets for all of them; only the partitions that moved are read.
      const ranges = await session.offsets.ranges(partitions.map((partition) => ({ topic: OFFSETS_TOPIC, partition })));
      for (const range of ranges) if (range.latest !== this.next.get(range.partition)) await this.readPartition(session, range, wanted);
    } catch (err) {
      // Not observed this poll; the next one reads on from where the last good one ended.
      this.unavailable = `cannot read ${OFFSETS_TOPIC}: ${(err as Error).message}`;
      return;
    }
    this.unavailable = undefined;
    if (this.windowMs !== undefined) this.prune(now - this.windowMs);
  }

  /** The group's commits per `topic:partition` (a partition missing had none); undefined when commits cannot be observed. */
  commitsOf(group: string): Map<string, CommitSeen[]> | undefined {
    return this.unavailable ? undefined : (this.byGroup.get(group) ?? new Map());
  }

  private async readPartition(session: ClusterSession, range: PartitionRange, wanted: Set<string>): Promise<void> {
    const { partition } = range;
    const end = await readToEnd(session, OFFSETS_TOPIC, partition, this.next.get(partition)!, (r) => {
      const c = decodeOffsetCommit(r.key, r.value);
      if (!c || c.offset === null || !wanted.has(c.group)) return;
      const byPartition = this.byGroup.get(c.group)!;
      const key = partitionKey(c.topic, c.partition);
      const seen = { at: c.commitTimestamp!, offset: c.offset };
      const list = byPartition.get(key);
      if (list) list.push(seen);
      else byPartition.set(key, [seen]);
    }, range);
    this.next.set(partition, end);
  }

  private prune(oldest: number): void {
    for (const byPartition of this.byGroup.values()) {
      for (const [key, list] of byPartition) {
        const from = list.findIndex((c) => c.at >= oldest);
        if (from === -1) byPartition.delete(key);
        else if (from > 0) byPartition.set(key, list.slice(from));
      }
    }
  }
}
