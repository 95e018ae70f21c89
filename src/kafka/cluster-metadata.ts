import type { RawCluster } from './kafkajs-cluster.js';
import { quorumLeader } from './quorum-leader.js';
import { Writer, sendRaw } from './raw-request.js';
import type { BrokerInfo, PartitionMetadata } from './topic-admin.js';

const METADATA = 3;
/** Version 5 (what kafkajs sends; Kafka 4 refuses versions below 4): partitions with their offline replicas. */
const VERSION = 5;

export interface ClusterMetadata {
  brokers: BrokerInfo[];
  /** The active controller: the metadata quorum's leader under KRaft (often not a broker), null if unknown. */
  controller: number | null;
  /** Every topic's partitions (internal topics included), sorted by id. */
  topics: Map<string, PartitionMetadata[]>;
}

/**
 * Brokers, controller and every topic's partitions in one Metadata answer, decoded by
 * streamflow: at 10,000 partitions kafkajs' decoder built several objects per partition (and
 * describing the cluster cost a second full answer), the largest share of the dashboard's
 * garbage. A topic Kafka answers with an error (being deleted, say) is left out. The controller
 * comes from DescribeQuorum where the cluster speaks it (see quorum-leader.ts).
 */
export async function clusterMetadata(cluster: RawCluster): Promise<ClusterMetadata> {
  const nodeIds = cluster.getNodeIds();
  if (nodeIds.length === 0) await cluster.refreshMetadata();
  const nodeId = String(cluster.getNodeIds()[0]);
  const [metadata, leader] = await Promise.all([brokersAndTopics(cluster, nodeId), quorumLeader(cluster, nodeId).catch(() => null)]);
  return leader === undefined ? metadata : { ...metadata, controller: leader };
}

function brokersAndTopics(cluster: RawCluster, nodeId: string): Promise<ClusterMetadata> {
  return sendRaw(cluster, nodeId, {
    apiKey: METADATA,
    apiVersion: VERSION,
    apiName: 'Metadata',
    // Topics null (every topic), allow_auto_topic_creation false.
    body: new Writer(5).int32(-1).int8(0).done(),
    decode: (r) => {
      r.int32(); // throttle time
      const brokers = r
        .array((b) => {
          const broker = { id: b.int32(), host: b.string(), port: b.int32() };
          b.nullableString(); // rack
          return broker;
        })
        .sort((a, b) => a.id - b.id);
      r.nullableString(); // cluster id
      const controller = r.int32();
      const topics = new Map<string, PartitionMetadata[]>();
      r.array((t) => {
        const errorCode = t.int16();
        const name = t.string();
        t.boolean(); // is internal
        const partitions = t.array((p): PartitionMetadata => {
          p.int16(); // error code (LEADER_NOT_AVAILABLE shows as leader -1)
          const partition = p.int32();
          const leader = p.int32();
          const replicas = p.array((x) => x.int32());
          const isr = p.array((x) => x.int32());
          p.array((x) => x.int32()); // offline replicas
          return { partition, leader: leader >= 0 ? leader : null, replicas, isr };
        });
        if (errorCode === 0) topics.set(name, partitions.sort((a, b) => a.partition - b.partition));
      });
      return { brokers, controller: controller >= 0 ? controller : null, topics };
    },
  });
}
