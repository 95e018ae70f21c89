import type { RawCluster } from './kafkajs-cluster.js';
import { type Reader, Writer, compactStringSize, maxVersion, sendRaw } from './raw-request.js';

const DESCRIBE_QUORUM = 55;
const METADATA_TOPIC = '__cluster_metadata';

/**
 * The active controller of a KRaft cluster: the leader of the metadata quorum, as
 * DescribeQuorum (KIP-595, what `kafka-metadata-quorum describe --status` asks; a broker
 * forwards it to the controllers) answers it. Under KRaft, Metadata's controller id names a
 * random live broker, not the controller. Undefined when the broker does not speak
 * DescribeQuorum (a ZooKeeper cluster, whose Metadata answer is right); null when the quorum
 * has no leader or the request is refused (not authorized to describe the cluster).
 */
export async function quorumLeader(cluster: RawCluster, nodeId: string): Promise<number | null | undefined> {
  if ((await maxVersion(cluster, nodeId, DESCRIBE_QUORUM)) < 0) return undefined;
  // topics [{ name, partitions [{ index 0, tags }], tags }], tags
  const body = new Writer(1 + compactStringSize(METADATA_TOPIC) + 1 + 4 + 1 + 1 + 1)
    .compactCount(1)
    .compactString(METADATA_TOPIC)
    .compactCount(1)
    .int32(0)
    .noTags()
    .noTags()
    .noTags()
    .done();
  return sendRaw(cluster, nodeId, {
    apiKey: DESCRIBE_QUORUM,
    apiVersion: 0,
    apiName: 'DescribeQuorum',
    flexible: true,
    body,
    decode: (r) => {
      if (r.int16() !== 0) return null;
      let leader: number | null = null;
      r.compactArray((t) => {
        t.compactString();
        t.compactArray((p) => {
          p.int32(); // partition index
          const errorCode = p.int16();
          const id = p.int32();
          if (errorCode === 0 && id >= 0) leader = id;
          p.int32(); // leader epoch
          p.int64(); // high watermark
          for (let list = 0; list < 2; list++) p.compactArray(replicaState); // voters, observers
          p.tags();
        });
        t.tags();
      });
      return leader;
    },
  });
}

/** A voter or observer (version 0): its id and log end offset, unread. */
function replicaState(r: Reader): void {
  r.int32();
  r.int64();
  r.tags();
}
