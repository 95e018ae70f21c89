import { decompress } from './compression-codecs.js';
import type { FetchedPartition } from './raw-fetch.js';
import type { ConsumedRecord, RecordHeader } from './record-reader.js';

/*
 * Kafka's record batch format (magic 2, KIP-98), walked in place: keys, values and header
 * values are views into the fetched bytes, nothing is copied. read_committed filtering
 * follows the Java consumer: a transactional batch of a producer whose transaction the
 * broker lists as aborted is skipped until that producer's abort marker; control batches
 * (the markers) take offsets and are never records.
 */

const BATCH_HEADER_BYTES = 61;
const COMPRESSION_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const ABORT_MARKER = 0;
/** Shared by every record without headers (most): one array fewer per record to collect. */
const NO_HEADERS: RecordHeader[] = Object.freeze([]) as unknown as RecordHeader[];

export interface BatchWalk {
  /** Records below it are skipped: a fetch answers from the start of the batch that holds it. */
  fromOffset: bigint;
  /** Nothing at or after it is visited. */
  untilOffset?: bigint;
  readCommitted: boolean;
}

export interface WalkEnd {
  /** Where the next fetch starts: after the last batch walked whole, or after the record the visitor stopped at. */
  nextOffset: bigint;
  /** The visitor asked to stop, or untilOffset was reached. */
  stopped: boolean;
}

/** Visit the records of one partition's answer in offset order; `visit` returns false to stop after a record. */
export function walkRecordBatches(data: FetchedPartition, walk: BatchWalk, visit: (r: ConsumedRecord) => boolean): WalkEnd {
  const buf = data.records;
  const aborted = walk.readCommitted ? [...data.abortedTransactions].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0)) : [];
  const abortedProducers = new Set<bigint>();
  let next = walk.fromOffset;
  let pos = 0;
  while (pos + BATCH_HEADER_BYTES <= buf.length) {
    const baseOffset = buf.readBigInt64BE(pos);
    const batchLength = buf.readInt32BE(pos + 8);
    const end = pos + 12 + batchLength;
    if (end > buf.length) break; // cut short by the size limit: fetched again from `next`
    const magic = buf.readInt8(pos + 16);
    if (magic !== 2) throw new Error(`record batch at offset ${baseOffset} of ${data.topic}-${data.partition} has magic ${magic}: only message format v2 (Kafka 0.11+) is read`);
    const attributes = buf.readInt16BE(pos + 21);
    const lastOffset = baseOffset + BigInt(buf.readInt32BE(pos + 23));
    const firstTimestamp = Number(buf.readBigInt64BE(pos + 27));
    const maxTimestamp = Number(buf.readBigInt64BE(pos + 35));
    const producerId = buf.readBigInt64BE(pos + 43);
    const count = buf.readInt32BE(pos + 57);
    const batchStart = pos;
    pos = end;
    if (lastOffset < walk.fromOffset) continue;
    if (walk.untilOffset !== undefined && baseOffset >= walk.untilOffset) return { nextOffset: walk.untilOffset, stopped: true };

    if (walk.readCommitted && attributes & TRANSACTIONAL) {
      while (aborted.length > 0 && aborted[0]!.firstOffset <= lastOffset) abortedProducers.add(aborted.shift()!.producerId);
      if (attributes & CONTROL) {
        if (abortedProducers.has(producerId) && controlType(buf, batchStart, end, attributes) === ABORT_MARKER) abortedProducers.delete(producerId);
      }
    }
    const skip = attributes & CONTROL || (walk.readCommitted && attributes & TRANSACTIONAL && abortedProducers.has(producerId));
    if (!skip) {
      const records = recordsOf(buf, batchStart, end, attributes);
      const logAppend = (attributes & LOG_APPEND_TIME) !== 0;
      const c = { buf: records, pos: 0 };
      for (let i = 0; i < count; i++) {
        const length = readVarint(c);
        const recordEnd = c.pos + length;
        c.pos++; // attributes (unused)
        const timestamp = logAppend ? maxTimestamp : firstTimestamp + readVarint(c);
        if (logAppend) readVarint(c);
        const offset = baseOffset + BigInt(readVarint(c));
        if (offset < walk.fromOffset) {
          c.pos = recordEnd;
          continue;
        }
        if (walk.untilOffset !== undefined && offset >= walk.untilOffset) return { nextOffset: walk.untilOffset, stopped: true };
        const key = readBytes(c);
        const value = readBytes(c);
        const headerCount = readVarint(c);
        const headers: RecordHeader[] = headerCount === 0 ? NO_HEADERS : [];
        for (let h = 0; h < headerCount; h++) {
          const keyLength = readVarint(c);
          const headerKey = c.buf.toString('utf8', c.pos, c.pos + keyLength);
          c.pos += keyLength;
          headers.push({ key: headerKey, value: readBytes(c) });
        }
        c.pos = recordEnd;
        if (!visit({ topic: data.topic, partition: data.partition, offset, timestamp, key, value, headers })) return { nextOffset: offset + 1n, stopped: true };
      }
    }
    // Compaction can leave a batch's last offsets empty: go on after the batch, as Java's consumer does.
    next = lastOffset + 1n;
  }
  return { nextOffset: next, stopped: walk.untilOffset !== undefined && next >= walk.untilOffset };
}

function recordsOf(buf: Buffer, batchStart: number, end: number, attributes: number): Buffer {
  const body = buf.subarray(batchStart + BATCH_HEADER_BYTES, end);
  const codec = attributes & COMPRESSION_MASK;
  return codec === 0 ? body : decompress(codec, body);
}

/** A control batch's one record has key (version int16, type int16): 0 abort, 1 commit. */
function controlType(buf: Buffer, batchStart: number, end: number, attributes: number): number {
  const c = { buf: recordsOf(buf, batchStart, end, attributes), pos: 0 };
  readVarint(c); // length
  c.pos++; // attributes
  readVarint(c); // timestamp delta
  readVarint(c); // offset delta
  const keyLength = readVarint(c);
  return keyLength >= 4 ? c.buf.readInt16BE(c.pos + 2) : -1;
}

interface Cursor {
  buf: Buffer;
  pos: number;
}

/** A zigzag varint (or varlong: timestamp deltas fit a double's 53 bits). */
function readVarint(c: Cursor): number {
  let raw = 0;
  let scale = 1;
  let byte: number;
  do {
    byte = c.buf[c.pos++]!;
    raw += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte & 0x80);
  return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
}

function readBytes(c: Cursor): Buffer | null {
  const length = readVarint(c);
  if (length < 0) return null;
  const out = c.buf.subarray(c.pos, c.pos + length);
  c.pos += length;
  return out;
}
