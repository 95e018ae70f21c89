import { SPRING } from '../dlq/dlq-headers.js';
import type { SideFormat } from './record-decoding.js';

/*
 * `topic produce`'s input, the pure part: a JSON line in `topic consume`'s shape (key, value,
 * headers, partition, their formats), or with `--lines value` the value alone, becomes a
 * record to encode. What consume adds and a new record cannot keep (topic, offset, schema
 * ids, decoding errors) is ignored, so a consume piped into a produce copies records.
 */

/** A key or a value to encode: its JSON (or text) and how to write it; null for a null key or a tombstone. */
export interface SideInput {
  format: SideFormat;
  value: unknown;
}

export type HeaderInput = Buffer | string;

export interface ProduceLine {
  line: number;
  key: SideInput | null;
  value: SideInput | null;
  /** By name; repeated headers keep their order. */
  headers: Record<string, HeaderInput[]>;
  partition?: number;
  timestamp?: number;
}

/** A line that cannot be sent, with where in it the problem is. */
export class LineRefusal extends Error {
  constructor(
    readonly line: number,
    /** Dotted path in the line, e.g. value.total_minor; '(line)' for the line as a whole. */
    readonly path: string,
    readonly reason: string,
  ) {
    super(refusalText({ line, path, reason }));
  }
}

/** `line 3: value.total_minor: expected long, got "many"`; a refusal of the line as a whole has no path. */
export function refusalText(r: { line: number; path: string; reason: string }): string {
  return `line ${r.line}: ${r.path === '(line)' ? '' : `${r.path}: `}${r.reason}`;
}

export interface LineDefaults {
  /** record: each line is a record object; value: each line is the value alone. */
  lines: 'record' | 'value';
  keyFormat: SideFormat;
  valueFormat: SideFormat;
  /** --key: the key of every record without one of its own. */
  key?: string;
  /** --header k=v, added to (and replacing the same names of) each line's headers. */
  headers: Record<string, string>;
  /** --partition: every record's partition. */
  partition?: number;
  /** Let the key (or round robin) choose, whatever partition a line names. */
  ignorePartition: boolean;
  /** Keep each line's timestamp (else the broker's producer time). */
  keepTimestamp: boolean;
}

const RECORD_FIELDS = new Set(['key', 'keyFormat', 'value', 'valueFormat', 'headers', 'partition', 'timestamp']);
// What consume writes besides: read, not sent.
const IGNORED_FIELDS = new Set(['topic', 'offset', 'keySchemaId', 'valueSchemaId', 'keyError', 'valueError']);
const FORMATS = new Set<SideFormat>(['avro', 'json', 'text', 'base64', 'hex']);

/** Spring Kafka's int headers, as consume shows them (numbers): back to 4- and 8-byte big-endian. */
const INT32_HEADERS = new Set<string>([SPRING.partition]);
const INT64_HEADERS = new Set<string>([SPRING.offset, SPRING.timestamp]);

/** One input line as a record to encode, or a LineRefusal naming what is wrong with it. */
export function parseProduceLine(text: string, line: number, d: LineDefaults): ProduceLine {
  if (d.lines === 'value') return withDefaults({ line, key: null, value: { format: d.valueFormat, value: valueLineValue(text, line, d.valueFormat) }, headers: {} }, d);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new LineRefusal(line, '(line)', `not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LineRefusal(line, '(line)', 'not a record object like {"key":…,"value":…} (a line that is the value alone needs --lines value)');
  }
  const o = parsed as Record<string, unknown>;
  const unknown = Object.keys(o).find((k) => !RECORD_FIELDS.has(k) && !IGNORED_FIELDS.has(k));
  if (unknown !== undefined) throw new LineRefusal(line, unknown, `not a field of a record line (${[...RECORD_FIELDS].join(', ')}); with --lines value a line is the value alone`);
  if (!Object.hasOwn(o, 'value')) throw new LineRefusal(line, 'value', 'missing (null sends a tombstone)');
  const keyFormat = formatOf(o.keyFormat, 'keyFormat', line) ?? d.keyFormat;
  const valueFormat = formatOf(o.valueFormat, 'valueFormat', line) ?? d.valueFormat;
  const record: ProduceLine = {
    line,
    key: o.key === undefined || o.key === null ? null : { format: keyFormat, value: o.key },
    value: o.value === null ? null : { format: valueFormat, value: o.value },
    headers: o.headers === undefined ? {} : headersOf(o.headers, line),
  };
  if (o.partition !== undefined && o.partition !== null) record.partition = nonNegativeInt(o.partition, 'partition', line);
  if (d.keepTimestamp && o.timestamp !== undefined && o.timestamp !== null) record.timestamp = nonNegativeInt(o.timestamp, 'timestamp', line);
  return withDefaults(record, d);
}

function withDefaults(r: ProduceLine, d: LineDefaults): ProduceLine {
  if (r.key === null && d.key !== undefined) r.key = { format: d.keyFormat, value: d.key };
  for (const [name, value] of Object.entries(d.headers)) r.headers[name] = [value];
  if (d.partition !== undefined) r.partition = d.partition;
  else if (d.ignorePartition) delete r.partition;
  return r;
}

/** `--lines value`: the line is the value, JSON for avro and json, else the text (base64 and hex decoded later). */
function valueLineValue(text: string, line: number, format: SideFormat): unknown {
  if (format !== 'avro' && format !== 'json') return text;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new LineRefusal(line, 'value', `not JSON: ${(err as Error).message}`);
  }
}

function formatOf(v: unknown, field: string, line: number): SideFormat | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string' && FORMATS.has(v as SideFormat)) return v as SideFormat;
  throw new LineRefusal(line, field, `${JSON.stringify(v)} is not one of ${[...FORMATS].join(', ')}`);
}

function headersOf(v: unknown, line: number): Record<string, HeaderInput[]> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new LineRefusal(line, 'headers', 'not an object of header names to values');
  const out: Record<string, HeaderInput[]> = {};
  for (const [name, value] of Object.entries(v)) out[name] = (Array.isArray(value) ? value : [value]).map((x) => headerValue(name, x, line));
  return out;
}

function headerValue(name: string, v: unknown, line: number): HeaderInput {
  if (typeof v === 'string') return v;
  // kafkajs 2.2.4 throws on a null header value (Buffer.byteLength(null) in sizeOfHeaders).
  if (v === null) throw new LineRefusal(line, `headers.${name}`, 'a null header value cannot be sent (kafkajs cannot write one): give "" or leave the header out');
  if (typeof v === 'number' && Number.isInteger(v) && (INT32_HEADERS.has(name) || INT64_HEADERS.has(name))) {
    const b = Buffer.alloc(INT32_HEADERS.has(name) ? 4 : 8);
    if (b.length === 4) b.writeInt32BE(v);
    else b.writeBigInt64BE(BigInt(v));
    return b;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && Object.keys(v).length === 1 && typeof (v as { base64?: unknown }).base64 === 'string') return Buffer.from((v as { base64: string }).base64, 'base64');
  throw new LineRefusal(line, `headers.${name}`, 'expected text, a number or {"base64": …}');
}

function nonNegativeInt(v: unknown, field: string, line: number): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  throw new LineRefusal(line, field, `expected a non-negative integer, got ${JSON.stringify(v)}`);
}
