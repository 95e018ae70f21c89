import { createRequire } from 'node:module';
import type { RawCluster } from './kafkajs-cluster.js';

/*
 * Requests streamflow encodes and decodes itself, sent through a kafkajs broker's own
 * connection (kafkajs frames them, matches the answer to the request, authenticates and
 * reconnects as for its own): for APIs kafkajs does not speak (DescribeLogDirs) and where its
 * codec is too slow for a refresh loop (ListOffsets builds a 512-byte buffer per partition).
 * Flexible versions (KIP-482: compact strings and arrays, tagged fields) carry a tag buffer in
 * their headers too: kafkajs writes header v1, so `flexible: true` appends the request header's
 * empty tag buffer and skips the answer's (tagged fields are read past, none is understood).
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
  /** A flexible version: the headers carry tag buffers. */
  flexible?: boolean;
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
    request: { apiKey: req.apiKey, apiVersion: req.apiVersion, apiName: req.apiName, encode: async () => encodeBody(req) },
    // kafkajs reads a throttle time off the decoded answer: the value goes inside an object.
    response: { decode: async (raw: Buffer) => ({ value: req.decode(answerReader(req, raw)) }), parse: async (data: { value: T }) => data.value },
  });
  return answer as T;
}

/** The highest version of `apiKey` broker `nodeId` speaks (its ApiVersions answer), -1 if none. */
export async function maxVersion(cluster: RawCluster, nodeId: string, apiKey: number): Promise<number> {
  const broker = (await cluster.findBroker({ nodeId })) as unknown as { versions?: Record<number, { maxVersion: number }> };
  return broker.versions?.[apiKey]?.maxVersion ?? -1;
}

const EMPTY_TAGS = Buffer.from([0]);

function encodeBody(req: RawRequest<unknown>): KafkajsEncoder {
  if (!req.flexible) return new EncoderClass(req.body.length).writeBuffer(req.body);
  return new EncoderClass(req.body.length + 1).writeBuffer(EMPTY_TAGS).writeBuffer(req.body);
}

function answerReader(req: RawRequest<unknown>, raw: Buffer): Reader {
  const r = new Reader(raw);
  if (req.flexible) r.tags();
  return r;
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

  /** Unsigned varint (compact lengths). */
  uvarint(v: number): this {
    while (v >= 0x80) {
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.at++] = v;
    return this;
  }

  /** Compact string: length + 1 as an unsigned varint, then UTF-8 bytes. */
  compactString(s: string): this {
    const n = Buffer.byteLength(s);
    this.uvarint(n + 1);
    this.at += this.buf.write(s, this.at);
    return this;
  }

  /** A compact array's count (count + 1; null: 0). */
  compactCount(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1);
  }

  /** An empty tag buffer (the end of every flexible structure). */
  noTags(): this {
    return this.int8(0);
  }

  /** The body; throws if the size given was not what was written (a bug in the caller's sum). */
  done(): Buffer {
    if (this.at !== this.buf.length) throw new Error(`request body is ${this.at} bytes, sized for ${this.buf.length}`);
    return this.buf;
  }
}

/** Bytes `string()` writes. */
export const stringSize = (s: string) => 2 + Buffer.byteLength(s);

/** Bytes `uvarint(v)` writes. */
export const uvarintSize = (v: number) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5);

/** Bytes `compactString()` writes. */
export const compactStringSize = (s: string) => {
  const n = Buffer.byteLength(s);
  return uvarintSize(n + 1) + n;
};

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

  uvarint(): number {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.buf[this.at++];
      if (b === undefined) throw new RangeError('answer ends inside a varint');
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  }

  /** Compact nullable string: length + 1 as an unsigned varint (0: null), then UTF-8 bytes. */
  compactNullableString(): string | null {
    const n = this.uvarint() - 1;
    if (n < 0) return null;
    const s = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  compactString(): string {
    return this.compactNullableString() ?? '';
  }

  /** A compact array (count + 1 as an unsigned varint; null, 0, reads as empty). */
  compactArray<T>(item: (r: Reader) => T): T[] {
    const n = this.uvarint() - 1;
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item(this));
    return out;
  }

  /** Skip a tag buffer: tagged fields are optional extras no caller here reads. */
  tags(): void {
    for (let n = this.uvarint(); n > 0; n--) {
      this.uvarint(); // tag
      const size = this.uvarint();
      this.at += size;
    }
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
    // Looked up once per topic: kafkajs finds a topic's metadata by a scan of every topic.
    const index = leaderIndex(cluster.findTopicPartitionMetadata(topic));
    for (const partition of partitions) {
      const nodeId = leaderIn(index, partition);
      if (nodeId === undefined) continue;
      if (nodeId === null) {
        leaderless.push({ topic, partition });
        continue;
      }
      let topics = out.get(nodeId);
      if (!topics) out.set(nodeId, (topics = new Map()));
      const list = topics.get(topic);
      if (list) list.push(partition);
      else topics.set(topic, [partition]);
    }
  }
  return out;
}

/** The node id of the partition's leader as metadata has it: null when it has none, undefined when metadata lacks the partition. */
export function leaderOf(cluster: RawCluster, topic: string, partition: number): string | null | undefined {
  return leaderIn(leaderIndex(cluster.findTopicPartitionMetadata(topic)), partition);
}

function leaderIn(index: Map<number, number>, partition: number): string | null | undefined {
  if (!index.has(partition)) return undefined;
  const leader = index.get(partition);
  return leader === undefined || leader === null || leader < 0 ? null : String(leader);
}

const leaderIndexes = new WeakMap<object, Map<number, number>>();

/** Leader by partition id of a topic's metadata, built once per metadata answer (kafkajs replaces the array when it refreshes). */
function leaderIndex(partitions: Array<{ partitionId: number; leader: number }>): Map<number, number> {
  let index = leaderIndexes.get(partitions);
  if (!index) leaderIndexes.set(partitions, (index = new Map(partitions.map((p) => [p.partitionId, p.leader]))));
  return index;
}
