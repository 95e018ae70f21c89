import type { RawCluster } from './kafkajs-cluster.js';
import { Writer, createErrorFromCode, partitionsByLeader, sendRaw, stringSize } from './raw-request.js';

const LIST_OFFSETS = 2;
/** Version 2, what kafkajs sends: the first with an isolation level, served by every broker since Kafka 0.11. */
const VERSION = 2;
const LEADER_NOT_AVAILABLE = 5;

/** ListOffsets' special timestamps. */
export const EARLIEST = -2n;
export const LATEST = -1n;

/**
 * The offset for `timestamp` (EARLIEST, LATEST or a time in ms) of each partition, by topic then
 * partition, one request per leader. At LATEST the isolation level decides between the high
 * watermark (read_uncommitted) and the last stable offset. -1 where no offset has that timestamp.
 * A partition the metadata does not list is left out; an error Kafka answers for one partition
 * fails the call, as kafkajs' own ListOffsets does, so callers retry on fresh metadata.
 */
export async function listOffsets(cluster: RawCluster, byTopic: Map<string, number[]>, timestamp: bigint, isolationLevel: number): Promise<Map<string, Map<number, bigint>>> {
  const out = new Map<string, Map<number, bigint>>();
  if (byTopic.size === 0) return out;
  await cluster.addMultipleTargetTopics([...byTopic.keys()]);
  const leaderless: Array<{ topic: string; partition: number }> = [];
  const byLeader = partitionsByLeader(cluster, byTopic, leaderless);
  if (leaderless.length > 0) throw createErrorFromCode(LEADER_NOT_AVAILABLE);
  await Promise.all(
    [...byLeader].map(([nodeId, topics]) =>
      sendRaw(cluster, nodeId, {
        apiKey: LIST_OFFSETS,
        apiVersion: VERSION,
        apiName: 'ListOffsets',
        body: requestBody(topics, timestamp, isolationLevel),
        decode: (r) => {
          r.int32(); // throttle time
          let failed = 0;
          r.array((t) => {
            const topic = t.string();
            let parts = out.get(topic);
            if (!parts) out.set(topic, (parts = new Map()));
            const into = parts;
            t.array((p) => {
              const partition = p.int32();
              const errorCode = p.int16();
              p.int64(); // the timestamp of the offset found
              into.set(partition, p.int64());
              if (errorCode !== 0 && failed === 0) failed = errorCode;
            });
          });
          if (failed !== 0) throw createErrorFromCode(failed);
        },
      }),
    ),
  );
  return out;
}

function requestBody(topics: Map<string, number[]>, timestamp: bigint, isolationLevel: number): Buffer {
  let size = 4 + 1 + 4;
  for (const [topic, partitions] of topics) size += stringSize(topic) + 4 + partitions.length * 12;
  // Every partition asks the same timestamp: its bytes once (bigint arithmetic per write allocates).
  const at = Buffer.alloc(8);
  at.writeBigInt64BE(timestamp);
  const w = new Writer(size).int32(-1).int8(isolationLevel).int32(topics.size);
  for (const [topic, partitions] of topics) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p).raw(at);
  }
  return w.done();
}
