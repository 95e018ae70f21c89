import { SPRING } from '../dlq/dlq-headers.js';
import type { ConsumedRecord, RecordHeader } from '../kafka/record-reader.js';
import { type JsonLineSink, isText } from './json-line-sink.js';
import { type DecodedSide, shownValue } from './record-decoding.js';

/**
 * One record as `topic consume` prints it (a JSON line), the dashboard shows it and
 * `--where` sees it. `topic produce` reads the same shape back, so a consume piped into a
 * produce copies records.
 */
export interface RecordView {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: unknown;
  keyFormat: DecodedSide['format'];
  keySchemaId?: number;
  keyError?: string;
  value: unknown;
  valueFormat: DecodedSide['format'];
  valueSchemaId?: number;
  valueError?: string;
  /** By name; a name that repeats has an array of its values. */
  headers: Record<string, HeaderValue | HeaderValue[]>;
}

/** Text, a number (Spring's partition, offset and timestamp headers are big-endian ints), null, or bytes that are not text. */
export type HeaderValue = string | number | null | { base64: string };

/** Spring Kafka writes these as 4- and 8-byte big-endian integers. */
const INT_HEADERS = new Set<string>([SPRING.partition, SPRING.offset, SPRING.timestamp]);

export function recordView(r: ConsumedRecord, key: DecodedSide, value: DecodedSide): RecordView {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: Number(r.offset),
    timestamp: r.timestamp,
    key: shownValue(key),
    keyFormat: key.format,
    ...(key.schemaId !== undefined ? { keySchemaId: key.schemaId } : {}),
    ...(key.error !== undefined ? { keyError: key.error } : {}),
    value: shownValue(value),
    valueFormat: value.format,
    ...(value.schemaId !== undefined ? { valueSchemaId: value.schemaId } : {}),
    ...(value.error !== undefined ? { valueError: value.error } : {}),
    headers: headersView(r.headers),
  };
}

export function headersView(headers: RecordHeader[]): RecordView['headers'] {
  const out: RecordView['headers'] = {};
  for (const h of headers) {
    const v = headerValue(h);
    const seen = out[h.key];
    out[h.key] = seen === undefined ? v : Array.isArray(seen) ? [...seen, v] : [seen, v];
  }
  return out;
}

function headerValue(h: RecordHeader): HeaderValue {
  const b = h.value;
  if (b === null) return null;
  if (INT_HEADERS.has(h.key) && (b.length === 4 || b.length === 8)) return b.length === 4 ? b.readInt32BE(0) : Number(b.readBigInt64BE(0));
  return isText(b) ? b.toString('utf8') : { base64: b.toString('base64') };
}

/**
 * The record's JSON line, written as bytes: equal to JSON.stringify(recordView(...)) (a unit
 * test holds the two together), without building the view for text and bytes.
 */
export function writeRecordJson(sink: JsonLineSink, r: ConsumedRecord, key: DecodedSide, value: DecodedSide): void {
  sink.raw(prefixOf(r.topic, r.partition)).int(Number(r.offset)).raw(TIMESTAMP).int(r.timestamp);
  if (key.format === null) sink.raw(NULL_KEY);
  else {
    sink.raw(KEY);
    writeSide(sink, key);
    sink.raw(FORMATS.key[key.format]);
  }
  if (key.schemaId !== undefined) sink.raw(KEY_SCHEMA_ID).int(key.schemaId);
  if (key.error !== undefined) sink.ascii(',"keyError":').json(key.error);
  sink.raw(VALUE);
  writeSide(sink, value);
  sink.raw(FORMATS.value[value.format ?? 'null']);
  if (value.schemaId !== undefined) sink.raw(VALUE_SCHEMA_ID).int(value.schemaId);
  if (value.error !== undefined) sink.ascii(',"valueError":').json(value.error);
  if (r.headers.length === 0) sink.raw(NO_HEADERS);
  else sink.ascii(',"headers":').json(headersView(r.headers)).ascii('}\n');
}

// The line's constant parts, as bytes once: most of a line is punctuation and field names.
const TIMESTAMP = Buffer.from(',"timestamp":');
const KEY = Buffer.from(',"key":');
const NULL_KEY = Buffer.from(',"key":null,"keyFormat":null');
const VALUE = Buffer.from(',"value":');
const KEY_SCHEMA_ID = Buffer.from(',"keySchemaId":');
const VALUE_SCHEMA_ID = Buffer.from(',"valueSchemaId":');
const NO_HEADERS = Buffer.from(',"headers":{}}\n');
const FORMAT_NAMES = ['avro', 'json', 'text', 'base64', 'hex', 'null'] as const;
const FORMATS = {
  key: Object.fromEntries(FORMAT_NAMES.map((f) => [f, Buffer.from(`,"keyFormat":${f === 'null' ? 'null' : `"${f}"`}`)])) as Record<(typeof FORMAT_NAMES)[number], Buffer>,
  value: Object.fromEntries(FORMAT_NAMES.map((f) => [f, Buffer.from(`,"valueFormat":${f === 'null' ? 'null' : `"${f}"`}`)])) as Record<(typeof FORMAT_NAMES)[number], Buffer>,
};
const prefixes = new Map<string, Buffer[]>();
let lastPrefix: { topic: string; partition: number; bytes: Buffer } = { topic: '', partition: -1, bytes: Buffer.alloc(0) };

/** `{"topic":T,"partition":P,"offset":` of a partition (records come in runs of one partition). */
function prefixOf(topic: string, partition: number): Buffer {
  if (lastPrefix.partition === partition && lastPrefix.topic === topic) return lastPrefix.bytes;
  let byPartition = prefixes.get(topic);
  if (!byPartition) prefixes.set(topic, (byPartition = []));
  const bytes = (byPartition[partition] ??= Buffer.from(`{"topic":${JSON.stringify(topic)},"partition":${partition},"offset":`));
  lastPrefix = { topic, partition, bytes };
  return bytes;
}

function writeSide(sink: JsonLineSink, side: DecodedSide): void {
  if (side.format === 'text') sink.utf8String(side.raw!);
  else sink.json(shownValue(side));
}
