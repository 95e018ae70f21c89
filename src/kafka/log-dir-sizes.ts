import { createRequire } from 'node:module';
import type { RawCluster } from './kafkajs-cluster.js';

/*
 * DescribeLogDirs, which kafkajs does not speak, sent through a kafkajs broker's own connection
 * with kafkajs' encoder and decoder (version 1: the last without tagged fields, served by every
 * broker since Kafka 2.0). It is what `kafka-log-dirs.sh --describe` asks.
 */

const require = createRequire(import.meta.url);
type Encoder = { writeString(s: string): Encoder; writeArray(a: unknown[], type?: 'int32' | 'object'): Encoder };
type Decoder = { readInt16(): number; readInt32(): number; readInt64(): { toString(): string }; readString(): string; readBoolean(): boolean; readArray<T>(fn: (d: Decoder) => T): T[] };
const EncoderClass: new () => Encoder = require('kafkajs/src/protocol/encoder.js');
const DecoderClass: new (buffer: Buffer) => Decoder = require('kafkajs/src/protocol/decoder.js');

const DESCRIBE_LOG_DIRS = 35;

interface LogDirPartition {
  partition: number;
  size: bigint;
  isFuture: boolean;
}

interface LogDirsAnswer {
  results: Array<{ errorCode: number; logDir: string; topics: Array<{ topic: string; partitions: LogDirPartition[] }> }>;
}

interface ConnectionPool {
  send(request: unknown): Promise<LogDirsAnswer>;
}

/**
 * Bytes each partition (partition ids by topic) holds on its leader, what retention.bytes is
 * judged on, by `topic\0partition`. A partition whose leader is unknown or whose log dir reports an error is
 * left out: callers treat a missing size as "cannot estimate".
 */
export async function partitionSizes(cluster: RawCluster, byTopic: Map<string, number[]>): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (byTopic.size === 0) return out;
  await cluster.addMultipleTargetTopics([...byTopic.keys()]);
  const byLeader = new Map<string, Map<string, number[]>>();
  for (const [topic, partitions] of byTopic) {
    for (const [nodeId, led] of Object.entries(cluster.findLeaderForPartitions(topic, partitions))) {
      let topics = byLeader.get(nodeId);
      if (!topics) byLeader.set(nodeId, (topics = new Map()));
      topics.set(topic, led);
    }
  }
  await Promise.all(
    [...byLeader].map(async ([nodeId, topics]) => {
      const broker = (await cluster.findBroker({ nodeId })) as unknown as { connectionPool: ConnectionPool };
      const answer = await broker.connectionPool.send(describeLogDirs(topics));
      for (const dir of answer.results) {
        if (dir.errorCode !== 0) continue;
        for (const t of dir.topics) {
          const led = topics.get(t.topic);
          // A replica being moved between log dirs shows twice; the future copy is not the one serving.
          for (const p of t.partitions) if (!p.isFuture && led?.includes(p.partition)) out.set(`${t.topic}\u0000${p.partition}`, p.size);
        }
      }
    }),
  );
  return out;
}

function describeLogDirs(topics: Map<string, number[]>) {
  return {
    request: {
      apiKey: DESCRIBE_LOG_DIRS,
      apiVersion: 1,
      apiName: 'DescribeLogDirs',
      encode: async () =>
        new EncoderClass().writeArray(
          [...topics].map(([topic, partitions]) => new EncoderClass().writeString(topic).writeArray(partitions, 'int32')),
          'object',
        ),
    },
    response: {
      decode: async (raw: Buffer): Promise<LogDirsAnswer & { throttleTime: number }> => {
        const d = new DecoderClass(raw);
        const throttleTime = d.readInt32();
        const results = d.readArray((r) => ({
          errorCode: r.readInt16(),
          logDir: r.readString(),
          topics: r.readArray((t) => ({
            topic: t.readString(),
            partitions: t.readArray((p) => {
              const partition = p.readInt32();
              const size = BigInt(p.readInt64().toString());
              p.readInt64(); // offset lag (of a future replica)
              return { partition, size, isFuture: p.readBoolean() };
            }),
          })),
        }));
        return { throttleTime, results };
      },
      parse: async (data: LogDirsAnswer) => data,
    },
  };
}
