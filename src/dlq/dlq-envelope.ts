import { CONNECT, SPRING, STREAMFLOW } from './dlq-headers.js';

/** A record header as read from Kafka: names may repeat, values may be null. */
export interface HeaderEntry {
  key: string;
  value: Buffer | null;
}

/** A dead-lettered record's context, whichever convention wrote it. Absent facts are null. */
export interface DeadLetterEnvelope {
  /** Which context headers were found: Spring's kafka_dlt-* (which streamflow writes), Kafka Connect's, or none. */
  convention: 'spring' | 'connect' | null;
  original: { topic: string | null; partition: number | null; offset: string | null; timestamp: string | null };
  consumerGroup: string | null;
  error: { class: string | null; message: string | null; causeClass: string | null; stacktrace: string | null };
  service: string | null;
  attempts: number | null;
  firstFailure: string | null;
  lastFailure: string | null;
  connector: string | null;
  redrive: { job: string | null; count: number };
  /** Every header, decoded for reading: known binary ones as numbers/ISO times, text as UTF-8, other bytes as "base64:...". */
  headers: Record<string, string | null | Array<string | null>>;
  /** Headers that did not decode as their convention says (wrong length, not UTF-8); decoding never throws. */
  problems: string[];
}

/** DLQ context headers: dropped when a record is redriven (its own headers are kept). */
export function isDeadLetterContextHeader(name: string): boolean {
  return (
    name.startsWith('kafka_dlt-') ||
    name.startsWith('__connect.errors.') ||
    name === STREAMFLOW.service ||
    name === STREAMFLOW.attempts ||
    name === STREAMFLOW.firstFailure ||
    name === STREAMFLOW.lastFailure ||
    name === STREAMFLOW.redriveJob ||
    name === STREAMFLOW.redriveCount
  );
}

/** Spring's key-deserialization failures use these instead of kafka_dlt-exception-*. */
const SPRING_KEY_EXCEPTION = {
  exceptionClass: 'kafka_dlt-key-exception-fqcn',
  exceptionMessage: 'kafka_dlt-key-exception-message',
  exceptionStacktrace: 'kafka_dlt-key-exception-stacktrace',
} as const;

const BINARY_INT32 = new Set<string>([SPRING.partition]);
const BINARY_INT64 = new Set<string>([SPRING.offset]);
const BINARY_TIMESTAMP = new Set<string>([SPRING.timestamp]);

/**
 * Decode the dead-letter context of a record's headers in all three conventions: Spring
 * Kafka's kafka_dlt-* (partition a 4-byte and offset/timestamp 8-byte big-endian numbers),
 * streamflow's streamflow.* (text) and Kafka Connect's __connect.errors.* (text). Spring's
 * headers win where both are present. Where a name repeats (a record dead-lettered twice),
 * the original-* facts come from the first occurrence and the error from the last. Malformed
 * values become null plus a note in `problems`: this never throws.
 */
export function decodeDeadLetter(headers: HeaderEntry[]): DeadLetterEnvelope {
  const problems: string[] = [];
  const all = (name: string) => headers.filter((h) => h.key === name).map((h) => h.value);
  const first = (name: string) => all(name)[0] ?? null;
  const last = (name: string) => all(name).at(-1) ?? null;
  const text = (name: string, pick: (n: string) => Buffer | null = last) => decodeText(name, pick(name), problems);
  const number = (name: string, pick: (n: string) => Buffer | null = last) => decodeDecimal(name, pick(name), problems);

  const hasSpring = headers.some((h) => h.key.startsWith('kafka_dlt-'));
  const hasConnect = headers.some((h) => h.key.startsWith('__connect.errors.'));

  const springTimestamp = decodeLong(SPRING.timestamp, first(SPRING.timestamp), problems);
  const original = {
    topic: text(SPRING.topic, first) ?? text(CONNECT.topic, first),
    partition: toInt(decodeInt(SPRING.partition, first(SPRING.partition), problems)) ?? toInt(number(CONNECT.partition, first)),
    offset: decodeLong(SPRING.offset, first(SPRING.offset), problems) ?? number(CONNECT.offset, first),
    timestamp: springTimestamp === null ? null : isoOrNull(Number(springTimestamp)),
  };
  const attempts = toInt(number(STREAMFLOW.attempts));
  return {
    convention: hasSpring ? 'spring' : hasConnect ? 'connect' : null,
    original,
    consumerGroup: text(SPRING.group),
    error: {
      class: text(SPRING.exceptionClass) ?? text(SPRING_KEY_EXCEPTION.exceptionClass) ?? text(CONNECT.exceptionClass),
      message: text(SPRING.exceptionMessage) ?? text(SPRING_KEY_EXCEPTION.exceptionMessage) ?? text(CONNECT.exceptionMessage),
      causeClass: text(SPRING.exceptionCauseClass),
      stacktrace: text(SPRING.exceptionStacktrace) ?? text(SPRING_KEY_EXCEPTION.exceptionStacktrace) ?? text(CONNECT.exceptionStacktrace),
    },
    service: text(STREAMFLOW.service),
    attempts,
    firstFailure: text(STREAMFLOW.firstFailure),
    lastFailure: text(STREAMFLOW.lastFailure),
    connector: text(CONNECT.connector),
    redrive: { job: text(STREAMFLOW.redriveJob), count: toInt(number(STREAMFLOW.redriveCount)) ?? 0 },
    headers: displayHeaders(headers),
    problems,
  };
}

/** The simple name of a Java class name (`org.x.FooException` → `FooException`, `A$B` → `B`). */
export function simpleClassName(name: string): string {
  return name.split(/[.$]/).at(-1) ?? name;
}

function displayHeaders(headers: HeaderEntry[]): DeadLetterEnvelope['headers'] {
  const out: DeadLetterEnvelope['headers'] = {};
  // decodeDeadLetter already reports malformed context headers.
  const reportedElsewhere: string[] = [];
  for (const h of headers) {
    const shown = displayValue(h.key, h.value, reportedElsewhere);
    const prev = Object.hasOwn(out, h.key) ? out[h.key] : undefined;
    // defineProperty: a header may be named "__proto__", which plain assignment would swallow.
    const value = prev === undefined ? shown : Array.isArray(prev) ? [...prev, shown] : [prev, shown];
    Object.defineProperty(out, h.key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function displayValue(name: string, value: Buffer | null, problems: string[]): string | null {
  if (value === null) return null;
  if (BINARY_INT32.has(name)) return decodeInt(name, value, problems)?.toString() ?? asText(value);
  if (BINARY_INT64.has(name)) return decodeLong(name, value, problems) ?? asText(value);
  if (BINARY_TIMESTAMP.has(name)) {
    const ms = decodeLong(name, value, problems);
    return ms === null ? asText(value) : (isoOrNull(Number(ms)) ?? ms);
  }
  return asText(value);
}

/** UTF-8 text, or "base64:..." for bytes that are not readable text (invalid UTF-8, control characters). */
function asText(value: Buffer): string {
  const t = strictUtf8(value);
  return t !== null && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(t) ? t : `base64:${value.toString('base64')}`;
}

function strictUtf8(value: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(value);
  } catch {
    return null;
  }
}

function decodeText(name: string, value: Buffer | null, problems: string[]): string | null {
  if (value === null) return null;
  const t = strictUtf8(value);
  if (t !== null) return t;
  problems.push(`${name} is not UTF-8 text (${value.length} bytes)`);
  // Keep what is readable: invalid sequences become U+FFFD.
  return value.toString('utf8');
}

/** Spring's 4-byte big-endian int; some writers send the number as text, which is accepted too. */
function decodeInt(name: string, value: Buffer | null, problems: string[]): number | null {
  if (value === null) return null;
  if (value.length === 4) return value.readInt32BE(0);
  const asDecimal = decimalText(value);
  if (asDecimal !== null) return Number(asDecimal);
  problems.push(`${name} has ${value.length} bytes; Spring writes a 4-byte big-endian int`);
  return null;
}

/** Spring's 8-byte big-endian long, as a decimal string (offsets are int64); decimal text accepted too. */
function decodeLong(name: string, value: Buffer | null, problems: string[]): string | null {
  if (value === null) return null;
  if (value.length === 8) return value.readBigInt64BE(0).toString();
  const asDecimal = decimalText(value);
  if (asDecimal !== null) return asDecimal;
  problems.push(`${name} has ${value.length} bytes; Spring writes an 8-byte big-endian long`);
  return null;
}

/** A text header that must hold a whole number (Connect's partition/offset, streamflow's counts). */
function decodeDecimal(name: string, value: Buffer | null, problems: string[]): string | null {
  if (value === null) return null;
  const d = decimalText(value);
  if (d === null) problems.push(`${name} is not a whole number`);
  return d;
}

function decimalText(value: Buffer): string | null {
  const t = strictUtf8(value)?.trim();
  return t !== undefined && /^-?\d{1,19}$/.test(t) ? t : null;
}

function toInt(decimal: string | number | null): number | null {
  if (decimal === null) return null;
  const n = Number(decimal);
  return Number.isSafeInteger(n) ? n : null;
}

function isoOrNull(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
