import type { RawCluster } from './kafkajs-cluster.js';
import { Writer, partitionsByLeader, sendRaw, stringSize } from './raw-request.js';

/*
 * DescribeLogDirs, which kafkajs does not speak (version 1: the last without tagged fields,
 * served by every broker since Kafka 2.0). It is what `kafka-log-dirs.sh --describe` asks.
 */

const DESCRIBE_LOG_DIRS = 35;

/**
 * Bytes each partition (partition ids by topic) holds on its leader, what retention.bytes is
 * judged on, by `topic\0partition`. A partition whose leader is unknown or whose log dir reports an error is
 * left out: callers treat a missing size as "cannot estimate".
 */
export async function partitionSizes(cluster: RawCluster, byTopic: Map<string, number[]>): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (byTopic.size === 0) return out;
  await cluster.addMultipleTargetTopics([...byTopic.keys()]);
  await Promise.all(
    [...partitionsByLeader(cluster, byTopic)].map(([nodeId, topics]) =>
      sendRaw(cluster, nodeId, {
        apiKey: DESCRIBE_LOG_DIRS,
        apiVersion: 1,
        apiName: 'DescribeLogDirs',
        body: requestBody(topics),
        decode: (r) => {
          r.int32(); // throttle time
          r.array((dir) => {
            const errorCode = dir.int16();
            dir.string(); // the log dir's path
            dir.array((t) => {
              const topic = t.string();
              const led = topics.get(topic);
              t.array((p) => {
                const partition = p.int32();
                const size = p.int64();
                p.int64(); // offset lag (of a future replica)
                // A replica being moved between log dirs shows twice; the future copy is not the one serving.
                const isFuture = p.boolean();
                if (errorCode === 0 && !isFuture && led?.includes(partition)) out.set(`${topic}\u0000${partition}`, size);
              });
            });
          });
        },
      }),
    ),
  );
  return out;
}

function requestBody(topics: Map<string, number[]>): Buffer {
  let size = 4;
  for (const [topic, partitions] of topics) size += stringSize(topic) + 4 + partitions.length * 4;
  const w = new Writer(size).int32(topics.size);
  for (const [topic, partitions] of topics) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p);
  }
  return w.done();
}
