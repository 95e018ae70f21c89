import type { Admin } from 'kafkajs';
import { UsageError } from '../errors.js';
import { withKafkaRetry } from './kafka-retry.js';
import type { RawCluster } from './kafkajs-cluster.js';
import { partitionSizes } from './log-dir-sizes.js';
import { EARLIEST, LATEST, listOffsets } from './list-offsets.js';

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface PartitionRange extends TopicPartitionRef {
  /** Log start offset. */
  earliest: bigint;
  /** Log end offset (high watermark), as Kafka's tools report it. */
  latest: bigint;
}

export interface TimestampOffset extends TopicPartitionRef {
  /** The first offset whose timestamp is at or after the asked time; null when there is none. */
  offset: bigint | null;
}

/** Partitions and their offsets (ListOffsets) in plain types. */
export interface LogOffsetsAdmin {
  topicNames(): Promise<string[]>;
  /** Partition ids of each topic; a topic that does not exist is a UsageError (exit 2). */
  partitions(topics: string[]): Promise<Map<string, number[]>>;
  ranges(partitions: TopicPartitionRef[]): Promise<PartitionRange[]>;
  offsetsForTimestamp(partitions: TopicPartitionRef[], timestampMs: number): Promise<TimestampOffset[]>;
  /** Bytes each partition holds on its leader (DescribeLogDirs), by `topic\0partition`; unknown ones left out. */
  sizes(partitions: TopicPartitionRef[]): Promise<Map<string, bigint>>;
}

export function logOffsetsAdmin(admin: Admin, cluster: RawCluster): LogOffsetsAdmin {
  const offsetsAt = (refs: TopicPartitionRef[], timestamp: bigint) =>
    // The topics exist (listed by partitions()); right after their creation a broker may not
    // know them or their leader yet: refresh metadata and ask the (new) leader again.
    withKafkaRetry(() => listOffsets(cluster, groupByTopic(refs), timestamp, cluster.isolationLevel), {
      unknownTopicIsTransient: true,
      beforeRetry: () => cluster.refreshMetadata(),
    });
  return {
    topicNames: () => admin.listTopics(),
    partitions: async (topics) => {
      const unique = [...new Set(topics)];
      if (unique.length === 0) return new Map();
      const known = new Set(await admin.listTopics());
      const missing = unique.filter((t) => !known.has(t));
      if (missing.length > 0) throw new UsageError(`no such topic: ${missing.join(', ')}`, 'see `streamflow topic list`');
      const meta = await withKafkaRetry(() => admin.fetchTopicMetadata({ topics: unique }), { unknownTopicIsTransient: true });
      return new Map(meta.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionId).sort((a, b) => a - b)]));
    },
    ranges: async (refs) => {
      const [earliest, latest] = await Promise.all([offsetsAt(refs, EARLIEST), offsetsAt(refs, LATEST)]);
      return refs.map(({ topic, partition }) => {
        const e = earliest.get(topic)?.get(partition);
        const l = latest.get(topic)?.get(partition);
        if (e === undefined || l === undefined) throw new UsageError(`no such partition: ${topic}-${partition}`);
        return { topic, partition, earliest: e, latest: l };
      });
    },
    offsetsForTimestamp: async (refs, timestampMs) => {
      const found = await offsetsAt(refs, BigInt(timestampMs));
      return refs.map(({ topic, partition }) => {
        const o = found.get(topic)?.get(partition);
        if (o === undefined) throw new UsageError(`no such partition: ${topic}-${partition}`);
        return { topic, partition, offset: o < 0n ? null : o };
      });
    },
    sizes: (refs) => partitionSizes(cluster, groupByTopic(refs)),
  };
}

/** Ranges by topic, then partition: a look-up without a key string per partition. */
export function rangesByPartition(ranges: PartitionRange[]): Map<string, Map<number, PartitionRange>> {
  const byTopic = new Map<string, Map<number, PartitionRange>>();
  for (const r of ranges) {
    const parts = byTopic.get(r.topic);
    if (parts) parts.set(r.partition, r);
    else byTopic.set(r.topic, new Map([[r.partition, r]]));
  }
  return byTopic;
}

function groupByTopic(refs: TopicPartitionRef[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of refs) {
    const list = out.get(r.topic);
    if (list) list.push(r.partition);
    else out.set(r.topic, [r.partition]);
  }
  return out;
}
