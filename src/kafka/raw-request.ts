import { createRequire } from 'node:module';
import type { RawCluster } from './kafkajs-cluster.js';

/*
 * Requests streamflow encodes and decodes itself, sent through a kafkajs broker's own
 * connection (kafkajs frames them, matches the answer to the request, authenticates and
 * reconnects as for its own): for APIs kafkajs does not speak (DescribeLogDirs) and where its
 * codec is too slow for a refresh loop (ListOffsets builds a 512-byte buffer per partition).
 * Only non-flexible versions (no tagged fields), so the plain big-endian types below suffice.
 */

const require = createRequire(import.meta.url);
type KafkajsEncoder = { writeBuffer(b: Buffer): KafkajsEncoder };
const EncoderClass: new (initialSize?: number) => KafkajsEncoder = require('kafkajs/src/protocol/encoder.js');
/** kafkajs' errors by Kafka error code (type, retriable), the ones withKafkaRetry reads. */
export const createErrorFromCode: (code: number) => Error & { type: string; retriable: boolean } = require('kafkajs/src/protocol/error.js').createErrorFromCode;

export interface RawRequest<T> {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  /** The request body after the header. */
  body: Buffer;
  /** The answer after the header; throw to fail the call. */
  decode(answer: Reader): T;
}

interface ConnectionPool {
  send(request: unknown): Promise<unknown>;
}

/** Send `req` to broker `nodeId` and decode its answer. */
export async function sendRaw<T>(cluster: RawCluster, nodeId: string, req: RawRequest<T>): Promise<T> {
  const broker = (await cluster.findBroker({ nodeId })) as unknown as { connectionPool: ConnectionPool };
  const answer = await broker.connectionPool.send({
    request: { apiKey: req.apiKey, apiVersion: req.apiVersion, apiName: req.apiName, encode: async () => new EncoderClass(req.body.length).writeBuffer(req.body) },
    // kafkajs reads a throttle time off the decoded answer: the value goes inside an object.
    response: { decode: async (raw: Buffer) => ({ value: req.decode(new Reader(raw)) }), parse: async (data: { value: T }) => data.value },
  });
  return answer as T;
}

/** Writes a request body into one buffer of the size it was given (computed from what goes in). */
export class Writer {
  readonly buf: Buffer;
  private at = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  int8(v: number): this {
    this.at = this.buf.writeInt8(v, this.at);
    return this;
  }

  int32(v: number): this {
    this.at = this.buf.writeInt32BE(v, this.at);
    return this;
  }

  int64(v: bigint): this {
    this.at = this.buf.writeBigInt64BE(v, this.at);
    return this;
  }

  /** Bytes as they are. */
  raw(b: Buffer): this {
    this.at += b.copy(this.buf, this.at);
    return this;
  }

  /** INT16 length and UTF-8 bytes. */
  string(s: string): this {
    const n = Buffer.byteLength(s);
    this.at = this.buf.writeInt16BE(n, this.at);
    this.at += this.buf.write(s, this.at);
    return this;
  }

  /** The body; throws if the size given was not what was written (a bug in the caller's sum). */
  done(): Buffer {
    if (this.at !== this.buf.length) throw new Error(`request body is ${this.at} bytes, sized for ${this.buf.length}`);
    return this.buf;
  }
}

/** Bytes `string()` writes. */
export const stringSize = (s: string) => 2 + Buffer.byteLength(s);

/** Reads an answer's fields in order. */
export class Reader {
  private at = 0;

  constructor(private readonly buf: Buffer) {}

  int8(): number {
    return this.buf.readInt8(this.at++);
  }

  int16(): number {
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(): number {
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  int64(): bigint {
    const v = this.buf.readBigInt64BE(this.at);
    this.at += 8;
    return v;
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  string(): string {
    return this.nullableString() ?? '';
  }

  /** INT16 length (-1: null) and UTF-8 bytes. */
  nullableString(): string | null {
    const n = this.int16();
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  /** INT32 length (-1: null, read as empty) and the bytes, a view of the answer's buffer. */
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return Buffer.alloc(0);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  /** An INT32-counted array (null, count -1, reads as empty). */
  array<T>(item: (r: Reader) => T): T[] {
    const n = this.int32();
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }
}

/**
 * Partition ids by leader node id, then topic, from the cluster's metadata (addMultipleTargetTopics
 * first). kafkajs' findLeaderForPartitions does the same in quadratic time. A partition missing from
 * the metadata is left out; one without a leader goes to `leaderless`.
 */
export function partitionsByLeader(cluster: RawCluster, byTopic: Map<string, number[]>, leaderless: Array<{ topic: string; partition: number }> = []): Map<string, Map<string, number[]>> {
  const out = new Map<string, Map<string, number[]>>();
  for (const [topic, partitions] of byTopic) {
    const leaderOf = leaderIndex(cluster.findTopicPartitionMetadata(topic));
    for (const partition of partitions) {
      if (!leaderOf.has(partition)) continue;
      const leader = leaderOf.get(partition);
      if (leader === null || leader === undefined || leader < 0) {
        leaderless.push({ topic, partition });
        continue;
      }
      const nodeId = String(leader);
      let topics = out.get(nodeId);
      if (!topics) out.set(nodeId, (topics = new Map()));
      const list = topics.get(topic);
      if (list) list.push(partition);
      else topics.set(topic, [partition]);
    }
  }
  return out;
}

const leaderIndexes = new WeakMap<object, Map<number, number>>();

/** Leader by partition id of a topic's metadata, built once per metadata answer (kafkajs replaces the array when it refreshes). */
function leaderIndex(partitions: Array<{ partitionId: number; leader: number }>): Map<number, number> {
  let index = leaderIndexes.get(partitions);
  if (!index) leaderIndexes.set(partitions, (index = new Map(partitions.map((p) => [p.partitionId, p.leader]))));
  return index;
}
