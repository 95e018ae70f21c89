import type { BatchRecord } from '../kafka/transactional-consumer.js';
import type { ParkedRecord } from './effect-store.js';

/* The runtime's side of a consumed record (the Kafka layer's plain BatchRecord): a header as text, parked in the store and back. */

export function headerText(r: BatchRecord, name: string): string | undefined {
  return r.headers[name]?.toString();
}

export function toParked(r: BatchRecord, id: string): ParkedRecord {
  return {
    id,
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key?.toString() ?? '',
    value: (r.value ?? Buffer.alloc(0)).toString('base64'),
    headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, v.toString('base64')])),
  };
}

export function fromParked(p: ParkedRecord): BatchRecord {
  return {
    topic: p.topic,
    partition: p.partition,
    offset: p.offset,
    timestamp: p.timestamp,
    key: Buffer.from(p.key),
    value: Buffer.from(p.value, 'base64'),
    headers: Object.fromEntries(Object.entries(p.headers).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  };
}
