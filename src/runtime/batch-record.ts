import { STREAMFLOW } from '../dlq/dlq-headers.js';
import type { BatchRecord } from '../kafka/transactional-consumer.js';
import type { ParkedRecord } from './effect-store.js';

/* The runtime's side of a consumed record (the Kafka layer's plain BatchRecord): a header as text, its saga's start, parked in the store and back. */

export function headerText(r: BatchRecord, name: string): string | undefined {
  return r.headers[name]?.toString();
}

/** When the record's saga began (epoch ms): its streamflow.saga-started header when well-formed, else its own Kafka timestamp. */
export function sagaStartedMs(r: BatchRecord): number {
  return epochMsOf(r.headers[STREAMFLOW.sagaStarted]) ?? Number(r.timestamp);
}

/** The streamflow.saga-started header for the events a record causes: its own when well-formed, else its timestamp. */
export function sagaStartedHeader(r: BatchRecord): Buffer {
  const h = r.headers[STREAMFLOW.sagaStarted];
  return epochMsOf(h) !== undefined ? h! : Buffer.from(r.timestamp);
}

/**
 * 1 to 15 ASCII digits as a number, read off the bytes (this runs for every applied event);
 * anything else is undefined, never an error: headers are input.
 */
function epochMsOf(b: Buffer | undefined): number | undefined {
  if (!b || b.length === 0 || b.length > 15) return undefined;
  let ms = 0;
  for (let i = 0; i < b.length; i++) {
    const digit = b[i]! - 48;
    if (digit < 0 || digit > 9) return undefined;
    ms = ms * 10 + digit;
  }
  return ms;
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
