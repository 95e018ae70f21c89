import { createRequire } from 'node:module';
import type { RawCluster } from './kafkajs-cluster.js';

/*
 * A Fetch whose answer keeps each partition's records as the bytes the broker sent, for
 * src/kafka/record-batches.ts to walk. kafkajs' own Fetch builds an object per record
 * (a Message with its batch context and a headers object) before anyone looks at it: at
 * a million records that is most of a read's time. The request is kafkajs' own (version
 * 11, which every broker since 2.3 serves), sent through the broker's own connection.
 */

const require = createRequire(import.meta.url);
type Decoder = {
  readInt16(): number;
  readInt32(): number;
  readInt64(): { toString(): string };
  readString(): string;
  readBytes(): Buffer | null;
  readArray<T>(fn: (d: Decoder) => T): T[];
};
const DecoderClass: new (buffer: Buffer) => Decoder = require('kafkajs/src/protocol/decoder.js');
const fetchRequestV11: (args: object) => object = require('kafkajs/src/protocol/requests/fetch/v11/request.js');
const { createErrorFromCode } = require('kafkajs/src/protocol/error.js') as { createErrorFromCode(code: number): Error & { type: string } };

export interface FetchPosition {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  /** 0, or the Kafka error code for this partition (OFFSET_OUT_OF_RANGE, NOT_LEADER_OR_FOLLOWER, ...). */
  errorCode: number;
  /** The same code as kafkajs' error (with its `type`), for callers that retry by type. */
  error: (Error & { type: string }) | undefined;
  highWatermark: bigint;
  /** -1 when the broker does not say. */
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: Array<{ producerId: bigint; firstOffset: bigint }>;
  /** Record batches as sent; the last one may be cut short by the size limits. */
  records: Buffer;
}

export interface RawFetchOptions {
  isolationLevel: number;
  /** How long the broker may wait for minBytes (0: answer at once). */
  maxWaitMs: number;
  partitionMaxBytes: number;
  maxBytes: number;
}

interface ConnectionPool {
  send(request: unknown): Promise<FetchedPartition[]>;
}

/** One Fetch to the broker `nodeId` for the positions it leads. */
export async function fetchRaw(cluster: RawCluster, nodeId: string, positions: FetchPosition[], opts: RawFetchOptions): Promise<FetchedPartition[]> {
  const byTopic = new Map<string, Array<{ partition: number; fetchOffset: string; maxBytes: number }>>();
  for (const p of positions) {
    let list = byTopic.get(p.topic);
    if (!list) byTopic.set(p.topic, (list = []));
    list.push({ partition: p.partition, fetchOffset: p.offset.toString(), maxBytes: opts.partitionMaxBytes });
  }
  const broker = (await cluster.findBroker({ nodeId })) as unknown as { connectionPool: ConnectionPool };
  return broker.connectionPool.send({
    request: fetchRequestV11({
      replicaId: -1,
      maxWaitTime: opts.maxWaitMs,
      minBytes: 1,
      maxBytes: opts.maxBytes,
      isolationLevel: opts.isolationLevel,
      topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
    }),
    response: { decode: async (raw: Buffer) => decodeFetchV11(raw), parse: async (answer: FetchedPartition[]) => answer },
    // A long poll answers after maxWaitMs: the connection's own timeout comes on top of it.
    requestTimeout: opts.maxWaitMs + 30_000,
  });
}

function decodeFetchV11(raw: Buffer): FetchedPartition[] {
  const d = new DecoderClass(raw);
  d.readInt32(); // throttle time
  const errorCode = d.readInt16();
  if (errorCode !== 0) throw createErrorFromCode(errorCode);
  d.readInt32(); // session id
  return d.readArray((t) => {
    const topic = t.readString();
    return t.readArray((p) => {
      const partition = p.readInt32();
      const code = p.readInt16();
      const highWatermark = BigInt(p.readInt64().toString());
      const lastStableOffset = BigInt(p.readInt64().toString());
      const logStartOffset = BigInt(p.readInt64().toString());
      const abortedTransactions = p.readArray((a) => ({ producerId: BigInt(a.readInt64().toString()), firstOffset: BigInt(a.readInt64().toString()) }));
      p.readInt32(); // preferred read replica
      const records = p.readBytes() ?? Buffer.alloc(0);
      return { topic, partition, errorCode: code, error: code === 0 ? undefined : createErrorFromCode(code), highWatermark, lastStableOffset, logStartOffset, abortedTransactions, records };
    });
  }).flat();
}
