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
  const parts = records.map((r) => ({ topic: Buffer.from(r.topic), key: Buffer.from(r.key), value: r.value, headers: Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), v] as const) }));
  let size = 2;
  for (const p of parts) size += 12 + p.topic.length + p.key.length + p.value.length + p.headers.reduce((n, [k, v]) => n + 6 + k.length + v.length, 0);
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt16BE(parts.length, 0);
  const put = (b: Buffer, lengthBytes: 2 | 4) => {
    at = lengthBytes === 2 ? out.writeUInt16BE(b.length, at) : out.writeUInt32BE(b.length, at);
    at += b.copy(out, at);
  };
  for (const p of parts) {
    put(p.topic, 2);
    put(p.key, 4);
    put(p.value, 4);
    at = out.writeUInt16BE(p.headers.length, at);
    for (const [k, v] of p.headers) {
      put(k, 2);
      put(v, 4);
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
