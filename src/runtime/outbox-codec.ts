import type { ProducedRecord } from '../kafka/transactional-consumer.js';

/*
 * An event's outbox (its encoded outputs, kept until their Kafka transaction commits) as one
 * binary frame: per record the topic, key, value and headers, each length-prefixed. Redis
 * stores bytes as they are, so there is no base64 or JSON to build and parse per event.
 * Layout: u16 count, then per record u16 topic, u32 key, u32 value, u16 headers, then per
 * header u16 name, u32 value (lengths before their bytes).
 */

export function encodeOutbox(records: ProducedRecord[]): Buffer {
  if (records.length === 0) return EMPTY;
  // Strings are measured, then written in place: no Buffer per topic, key or header name.
  let size = 2;
  for (const r of records) {
    size += 12 + Buffer.byteLength(r.topic) + Buffer.byteLength(r.key) + r.value.length;
    for (const name of Object.keys(r.headers)) size += 6 + Buffer.byteLength(name) + r.headers[name]!.length;
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt16BE(records.length, 0);
  const text = (s: string, lengthBytes: 2 | 4) => {
    const n = out.write(s, at + lengthBytes);
    at = (lengthBytes === 2 ? out.writeUInt16BE(n, at) : out.writeUInt32BE(n, at)) + n;
  };
  const bytes = (b: Buffer) => {
    at = out.writeUInt32BE(b.length, at);
    at += b.copy(out, at);
  };
  for (const r of records) {
    text(r.topic, 2);
    text(r.key, 4);
    bytes(r.value);
    const names = Object.keys(r.headers);
    at = out.writeUInt16BE(names.length, at);
    for (const name of names) {
      text(name, 2);
      bytes(r.headers[name]!);
    }
  }
  return out;
}

export function decodeOutbox(frame: Buffer | null): ProducedRecord[] {
  if (!frame || frame.length === 0) return [];
  let at = 0;
  const take = (lengthBytes: 2 | 4) => {
    const n = lengthBytes === 2 ? frame.readUInt16BE(at) : frame.readUInt32BE(at);
    at += lengthBytes;
    const b = frame.subarray(at, at + n);
    at += n;
    return b;
  };
  const count = frame.readUInt16BE(0);
  at = 2;
  const records: ProducedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const topic = take(2).toString();
    const key = take(4).toString();
    const value = Buffer.from(take(4));
    const headers: Record<string, Buffer> = {};
    const n = frame.readUInt16BE(at);
    at += 2;
    for (let h = 0; h < n; h++) {
      const name = take(2).toString();
      headers[name] = Buffer.from(take(4));
    }
    records.push({ topic, key, value, headers });
  }
  return records;
}

const EMPTY = Buffer.alloc(0);
