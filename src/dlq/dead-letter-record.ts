import type { ConsumedRecord } from '../kafka/record-reader.js';
import { type DeadLetterEnvelope, decodeDeadLetter } from './dlq-envelope.js';
import type { DlqRecordView } from './dlq-filter.js';

/** A record read from a DLQ topic, with its dead-letter context decoded. */
export interface DeadLetterRecord extends DlqRecordView {
  topic: string;
  offset: bigint;
  rawKey: Buffer | null;
  value: Buffer | null;
  rawHeaders: ConsumedRecord['headers'];
  envelope: DeadLetterEnvelope;
}

export function toDeadLetterRecord(r: ConsumedRecord): DeadLetterRecord {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: keyText(r.key),
    rawKey: r.key,
    value: r.value,
    rawHeaders: r.headers,
    envelope: decodeDeadLetter(r.headers),
  };
}

/** A key as text: UTF-8 when it is, else "base64:..."; null stays null. */
export function keyText(key: Buffer | null): string | null {
  if (key === null) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(key);
  } catch {
    return `base64:${key.toString('base64')}`;
  }
}
