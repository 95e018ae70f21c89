import { UsageError } from '../errors.js';

/*
 * The one home of every parser for a value an operator types: flags of the commands and the
 * dashboard's inputs. Each names the flag and the form it expects, and exits 2 (UsageError).
 */

/** A count flag (`--partitions`, `--to`, ...) as a positive integer. */
export function positiveInt(flag: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, got ${shown(value)}`);
  }
  return n;
}

/** A count that may be 0 (`--max-redrives`, `--fail-above`). */
export function nonNegativeInt(flag: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number (0 or more), got ${shown(value)}`);
  return n;
}

/** A count that may be at most Kafka's int32 partition limit. */
export function partitionCount(flag: string, value: unknown): number {
  const n = positiveInt(flag, value);
  if (n > 2 ** 31 - 1) throw new UsageError(`${flag} must be at most ${2 ** 31 - 1} (Kafka counts partitions in an int32), got ${n}`);
  return n;
}

/** Any positive number (`--years 2.5`). */
export function positiveNumber(flag: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, got ${shown(value)}`);
  return n;
}

/** A multiplier of at least 1 (`--headroom 1.5`). */
export function atLeastOne(flag: string, value: unknown): number {
  const n = positiveNumber(flag, value);
  if (n < 1) throw new UsageError(`${flag} must be at least 1, got ${shown(value)}`);
  return n;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A Kafka offset or shift: a whole number within int64. */
export function int64(flag: string, value: unknown): bigint {
  const text = String(value).trim();
  if (!/^[-+]?\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, got ${shown(value)}`);
  const n = BigInt(text);
  if (n > INT64_MAX || n < INT64_MIN) throw new UsageError(`${flag} ${text} does not fit Kafka's int64 offsets`);
  return n;
}

const SECONDS_PER_UNIT = new Map([
  ['s', 1],
  ['sec', 1],
  ['m', 60],
  ['min', 60],
  ['h', 3600],
]);
const RATE = /^(\d+(?:_\d+)*(?:\.\d+)?)\s*\/\s*([a-z]+)$/i;

/** "100000/min", "2000/s", "2000/sec", "50/m", "1_000_000/h" → records per second. */
export function parseRate(text: string, flag = '--rate'): number {
  const match = RATE.exec(String(text).trim());
  const seconds = match && SECONDS_PER_UNIT.get(match[2]!.toLowerCase());
  const value = match ? Number(match[1]!.replaceAll('_', '')) : Number.NaN;
  if (!seconds || !(value > 0)) {
    throw new UsageError(`${flag} must be a positive count per unit, e.g. 2000/s or 100000/min (units: /s, /sec, /m, /min, /h), got ${shown(text)}`);
  }
  return value / seconds;
}

/** A rate, or "max" for no limit (Infinity). */
export function parseRateOrMax(text: string, flag = '--rate'): number {
  return String(text).trim().toLowerCase() === 'max' ? Number.POSITIVE_INFINITY : parseRate(text, flag);
}

const GROWTH = /^(\d+(?:\.\d+)?)\s*x?$/i;

/** "3x", "1.5x" or "3" → the multiplier; at least 1 (partition counts only grow). */
export function parseGrowth(text: string, flag = '--growth'): number {
  const match = GROWTH.exec(String(text).trim());
  const value = match ? Number(match[1]) : Number.NaN;
  if (!(value >= 1)) throw new UsageError(`${flag} must be a multiplier of at least 1, e.g. 3x (the peak triples), got ${shown(text)}`);
  return value;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, sec: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "2m", "1h", "7d", "500ms" -> milliseconds; a bare number is seconds. */
export function parseDuration(text: string, flag = '--duration'): number {
  const m = String(text).trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|d)?$/i);
  if (!m) throw new UsageError(`${flag} ${shown(text)} is not a duration`, 'use e.g. 30s, 2m, 1h, 7d or 500ms');
  const ms = Number(m[1]) * DURATION_UNITS[(m[2] ?? 's').toLowerCase()]!;
  if (ms <= 0) throw new UsageError(`${flag} must be greater than zero, got ${shown(text)}`);
  return ms;
}

/** "auto", or a count of Redis replicas to WAIT for ("0" turns WAIT off). */
export function parseWaitReplicas(text: string, flag = '--redis-wait-replicas'): number | 'auto' {
  const t = String(text).trim().toLowerCase();
  if (t === 'auto') return 'auto';
  if (!/^\d{1,3}$/.test(t)) throw new UsageError(`${flag} must be a number of replicas (0 turns WAIT off) or auto, got ${shown(text)}`, `e.g. ${flag} 1`);
  return Number(t);
}

/** What the operator typed, quoted; yargs hands a repeated flag over as an array. */
function shown(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** `--store-namespace`: letters, digits, _ and -, so it cannot break a key's hash tag (see storeScope). */
export function parseStoreNamespace(text: string, flag = '--store-namespace'): string {
  const value = String(text).trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw new UsageError(`${flag} must be 1 to 64 letters, digits, _ or -, got ${shown(text)}`, 'e.g. --store-namespace soak1');
  return value;
}
