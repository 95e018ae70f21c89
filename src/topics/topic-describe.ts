import type { Connection } from '../config/resolve-connection.js';
import { type ConfigEntry, type PartitionMetadata, type PartitionOffsets, withTopicAdmin } from '../kafka/topic-admin.js';
import { requireTopic } from './topic-admin.js';

export interface PartitionDescription extends PartitionMetadata {
  /** Fewer in-sync replicas than replicas: a broker is down or lagging. */
  underReplicated: boolean;
  earliestOffset: string;
  latestOffset: string;
  /** latest − earliest: exact for plain topics, an upper bound with compaction or transactions. */
  messages: number;
}

/** The describe JSON documented in the README (Topics and partitioning). */
export interface TopicDescription {
  name: string;
  replicationFactor: number;
  partitions: PartitionDescription[];
  /** Every effective config (sensitive ones left out). */
  configs: Record<string, string>;
  /** The configs set on the topic itself; the rest come from the brokers or Kafka's defaults. */
  overrides: string[];
}

/** Join metadata, offsets and configs into the describe document. Pure. */
export function buildTopicDescription(name: string, partitions: PartitionMetadata[], offsets: PartitionOffsets[], configs: ConfigEntry[]): TopicDescription {
  const offsetsOf = new Map(offsets.map((o) => [o.partition, o]));
  return {
    name,
    replicationFactor: partitions[0]?.replicas.length ?? 0,
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
        messages: Number(BigInt(latest) - BigInt(earliest)),
      };
    }),
    configs: Object.fromEntries(configs.filter((c) => c.value !== null).map((c) => [c.name, c.value!])),
    overrides: configs.filter((c) => c.source === 'topic').map((c) => c.name),
  };
}

/** Describe an existing topic (exit 2 naming it when it does not exist). */
export async function describeTopic(conn: Connection, name: string): Promise<TopicDescription> {
  return withTopicAdmin(conn, async (admin) => {
    await requireTopic(admin, name);
    const [partitions, offsets, configs] = await Promise.all([admin.partitions([name]), admin.offsets(name), admin.configs([name])]);
    return buildTopicDescription(name, partitions.get(name) ?? [], offsets, configs.get(name) ?? []);
  });
}
