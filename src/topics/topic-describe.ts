import type { Connection } from '../config/resolve-connection.js';
import { withClusterSession } from '../kafka/cluster-session.js';
import { type ConfigEntry, type PartitionMetadata, type PartitionOffsets, withTopicAdmin } from '../kafka/topic-admin.js';
import { DEFAULT_COUNT_LIMIT, type RecordCount, RecordCounter, countWithoutReading } from './record-count.js';
import { requireTopic } from './topic-admin.js';

export interface PartitionDescription extends PartitionMetadata {
  /** Fewer in-sync replicas than replicas: a broker is down or lagging. */
  underReplicated: boolean;
  earliestOffset: string;
  latestOffset: string;
  /** latest − earliest: records plus transaction markers, aborted and compacted-away records. */
  offsets: number;
  /** Records a read_committed reader sees; null when the topic was not counted (over the count limit). */
  records: number | null;
}

/** The describe JSON documented in the README (Topics and partitioning). */
export interface TopicDescription {
  name: string;
  replicationFactor: number;
  /** Sums over the partitions; records null when not counted. */
  offsets: number;
  records: number | null;
  partitions: PartitionDescription[];
  /** Every effective config (sensitive ones left out). */
  configs: Record<string, string>;
  /** The configs set on the topic itself; the rest come from the brokers or Kafka's defaults. */
  overrides: string[];
}

/** Join metadata, offsets, record counts and configs into the describe document. Pure. */
export function buildTopicDescription(name: string, partitions: PartitionMetadata[], offsets: PartitionOffsets[], count: RecordCount, configs: ConfigEntry[]): TopicDescription {
  const offsetsOf = new Map(offsets.map((o) => [o.partition, o]));
  const recordsOf = new Map(count.partitions.map((p) => [p.partition, p.records]));
  return {
    name,
    replicationFactor: partitions[0]?.replicas.length ?? 0,
    offsets: count.offsets,
    records: count.records,
    partitions: partitions.map((p) => {
      const o = offsetsOf.get(p.partition);
      const earliest = o?.earliest ?? '0';
      const latest = o?.latest ?? '0';
      return {
        partition: p.partition,
        leader: p.leader,
        replicas: p.replicas,
        isr: p.isr,
        underReplicated: p.isr.length < p.replicas.length,
        earliestOffset: earliest,
        latestOffset: latest,
        offsets: Number(BigInt(latest) - BigInt(earliest)),
        records: recordsOf.get(p.partition) ?? null,
      };
    }),
    configs: Object.fromEntries(configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!])),
    overrides: configs.filter((c) => c.source === 'topic').map((c) => c.name),
  };
}

/**
 * Describe an existing topic (exit 2 naming it when it does not exist). Its records are counted
 * by reading them when it spans at most `countLimit` offsets and every partition has a leader,
 * else left uncounted (null): a describe during an outage still shows the offline partitions.
 */
export async function describeTopic(conn: Connection, name: string, countLimit = DEFAULT_COUNT_LIMIT): Promise<TopicDescription> {
  const [partitions, offsets, configs] = await withTopicAdmin(conn, async (admin) => {
    await requireTopic(admin, name);
    return Promise.all([admin.partitions([name]), admin.offsets(name), admin.configs([name])]);
  });
  const spans = offsets.map((o) => ({ partition: o.partition, from: BigInt(o.earliest), until: BigInt(o.latest) }));
  const offline = (partitions.get(name) ?? []).some((p) => p.leader === null);
  const count = countWithoutReading(spans, offline ? null : countLimit) ?? (await withClusterSession(conn, (s) => new RecordCounter(countLimit).count(s.records, name, spans)));
  return buildTopicDescription(name, partitions.get(name) ?? [], offsets, count, configs.get(name) ?? []);
}
