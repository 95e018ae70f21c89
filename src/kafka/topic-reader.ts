import type { Connection } from '../config/resolve-connection.js';
import { requireBrokers } from '../config/resolve-connection.js';
import { connectWithin, createKafka, disconnectQuietly, toUnreachable } from './client.js';
import { withKafkaRetry } from './kafka-retry.js';
import { READ_COMMITTED, READ_UNCOMMITTED, type RawCluster, internalCluster } from './kafkajs-cluster.js';
import { EARLIEST, LATEST, listOffsets } from './list-offsets.js';
import { type FetchPosition, type FetchedPartition, fetchRaw } from './raw-fetch.js';
import { walkRecordBatches } from './record-batches.js';
import type { ConsumedRecord } from './record-reader.js';
import { leaderOf } from './raw-request.js';

export type Isolation = 'read_committed' | 'read_uncommitted';

export interface PartitionOffsets {
  partition: number;
  /** The log start. */
  start: bigint;
  /** Where a reader at this isolation stops now: the last stable offset (read_committed) or the high watermark. */
  end: bigint;
}

export interface ReadPosition {
  partition: number;
  offset: bigint;
  /** Nothing at or after it is returned. */
  until?: bigint;
}

export interface PartitionRead {
  partition: number;
  records: ConsumedRecord[];
  /** Where this partition's next fetch starts. */
  nextOffset: bigint;
  /** The position lies below the log start (retention deleted it meanwhile): the log start now. */
  logStartAfterGap?: bigint;
}

/**
 * Group-less reads of one topic for `topic consume` and the dashboard's record view: no
 * consumer group is joined or committed to. Each round is one Fetch per leader broker for all
 * its partitions (records decoded in place, record-batches.ts); a leader that moved is found
 * again on the next round.
 */
export interface TopicReader {
  topicNames(): Promise<string[]>;
  /** The partition ids of a topic known to exist. */
  partitions(topic: string): Promise<number[]>;
  offsets(topic: string, partitions: number[]): Promise<PartitionOffsets[]>;
  /** The first offset at or after the time, per partition (ListOffsets); null where no record is that recent. */
  offsetsForTime(topic: string, partitions: number[], timestampMs: number): Promise<Map<number, bigint | null>>;
  /**
   * One round over these positions: at most `limit` records of each partition. `maxWaitMs` lets the
   * brokers hold an answer until a record arrives (a follow); 0 answers at once.
   */
  fetch(topic: string, positions: ReadPosition[], opts: { maxWaitMs: number; limit: number }): Promise<PartitionRead[]>;
}

/** Bytes asked per partition and per Fetch: big enough for a million small records in a few dozen round trips. */
const PARTITION_MAX_BYTES = 4 << 20;
const FETCH_MAX_BYTES = 32 << 20;

/** Partition errors that mean "ask the (new) leader again": stale metadata, an election. */
const LEADER_MOVED = new Set(['NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_FOR_PARTITION', 'LEADER_NOT_AVAILABLE', 'UNKNOWN_TOPIC_OR_PARTITION', 'REPLICA_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'OFFSET_NOT_AVAILABLE']);

export async function withTopicReader<T>(conn: Connection, isolation: Isolation, fn: (reader: TopicReader) => Promise<T>): Promise<T> {
  const brokers = requireBrokers(conn);
  const kafka = createKafka(conn, { clientId: 'streamflow-topic-reader' });
  const admin = kafka.admin();
  const level = isolation === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED;
  // ListOffsets "latest" is the last stable offset at READ_COMMITTED: where a committed reader ends.
  const cluster = internalCluster(kafka, level);
  try {
    await connectWithin(() => Promise.all([admin.connect(), cluster.connect()]).then(() => undefined), brokers);
    return await fn(topicReader(cluster, level, admin));
  } catch (err) {
    throw toUnreachable(err, brokers) ?? err;
  } finally {
    await Promise.all([disconnectQuietly(() => admin.disconnect()), disconnectQuietly(() => cluster.disconnect())]);
  }
}

function topicReader(cluster: RawCluster, level: number, admin: { listTopics(): Promise<string[]> }): TopicReader {
  const retry = <T>(fn: () => Promise<T>) =>
    withKafkaRetry(fn, {
      unknownTopicIsTransient: true,
      // A broker that went away (connection refused) is found again through fresh metadata.
      alsoTransient: (err, attempt) => attempt < 3 && /Connection/.test((err as { name?: string }).name ?? ''),
      beforeRetry: () => cluster.refreshMetadata(),
    });
  const offsetsAt = async (topic: string, partitions: number[], timestamp: bigint) =>
    (await retry(() => listOffsets(cluster, new Map([[topic, partitions]]), timestamp, level))).get(topic) ?? new Map<number, bigint>();

  return {
    topicNames: () => admin.listTopics(),
    async partitions(topic) {
      await retry(() => cluster.addMultipleTargetTopics([topic]));
      return cluster
        .findTopicPartitionMetadata(topic)
        .map((p) => p.partitionId)
        .sort((a, b) => a - b);
    },
    async offsets(topic, partitions) {
      const [starts, ends] = await Promise.all([offsetsAt(topic, partitions, EARLIEST), offsetsAt(topic, partitions, LATEST)]);
      return partitions.map((partition) => ({ partition, start: starts.get(partition) ?? 0n, end: ends.get(partition) ?? 0n }));
    },
    async offsetsForTime(topic, partitions, timestampMs) {
      const found = await offsetsAt(topic, partitions, BigInt(timestampMs));
      return new Map(partitions.map((p) => [p, (found.get(p) ?? -1n) < 0n ? null : found.get(p)!]));
    },
    async fetch(topic, positions, opts) {
      const byLeader = new Map<string, ReadPosition[]>();
      const leaderless: ReadPosition[] = [];
      await retry(() => cluster.addMultipleTargetTopics([topic]));
      for (const p of positions) {
        const nodeId = leaderOf(cluster, topic, p.partition);
        const list = nodeId == null ? leaderless : byLeader.get(nodeId);
        if (list) list.push(p);
        else byLeader.set(nodeId!, [p]);
      }
      if (leaderless.length > 0) await cluster.refreshMetadata().catch(() => undefined);
      const rounds = await Promise.all(
        [...byLeader].map(async ([nodeId, list]) => {
          const asked: FetchPosition[] = list.map((p) => ({ topic, partition: p.partition, offset: p.offset }));
          const answer = await retry(() => fetchRaw(cluster, nodeId, asked, { isolationLevel: level, maxWaitMs: opts.maxWaitMs, partitionMaxBytes: PARTITION_MAX_BYTES, maxBytes: FETCH_MAX_BYTES }));
          const at = new Map(list.map((p) => [p.partition, p]));
          return answer.map((data) => readPartition(data, at.get(data.partition)!, level === READ_COMMITTED, opts.limit));
        }),
      );
      const reads = rounds.flat();
      if (reads.some((r) => r === 'leader-moved')) await cluster.refreshMetadata().catch(() => undefined);
      const done = reads.filter((r): r is PartitionRead => r !== 'leader-moved');
      // What was not answered (no leader, a leader that moved) is asked again next round, from where it was.
      const answered = new Set(done.map((r) => r.partition));
      for (const p of positions) if (!answered.has(p.partition)) done.push({ partition: p.partition, records: [], nextOffset: p.offset });
      return done;
    },
  };
}

function readPartition(data: FetchedPartition, at: ReadPosition, readCommitted: boolean, limit: number): PartitionRead | 'leader-moved' {
  if (data.error) {
    if (data.error.type === 'OFFSET_OUT_OF_RANGE' && at.offset < data.logStartOffset) return { partition: at.partition, records: [], nextOffset: data.logStartOffset, logStartAfterGap: data.logStartOffset };
    if (LEADER_MOVED.has(data.error.type)) return 'leader-moved';
    throw data.error;
  }
  const records: ConsumedRecord[] = [];
  if (limit <= 0) return { partition: at.partition, records, nextOffset: at.offset };
  const { nextOffset } = walkRecordBatches(data, { fromOffset: at.offset, ...(at.until !== undefined ? { untilOffset: at.until } : {}), readCommitted }, (r) => {
    records.push(r);
    return records.length < limit;
  });
  return { partition: at.partition, records, nextOffset };
}
