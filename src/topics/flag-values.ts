import { UsageError } from '../errors.js';

/** A count flag (`--partitions`, `--to`, ...) as a positive integer, else exit 2 naming the flag. */
export function positiveInt(flag: string, value: unknown): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return n;
}

/** A count flag that may be 0 (`--max-redrives`, `--count-limit`), else exit 2 naming the flag. */
export function nonNegativeInt(flag: string, text: string): number {
  const n = Number(text);
  if (String(text).trim() === '' || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return n;
}

/** A count that may be at most Kafka's int32 partition limit. */
export function partitionCount(flag: string, value: unknown): number {
  const n = positiveInt(flag, value);
  if (n > 2 ** 31 - 1) throw new UsageError(`${flag} must be at most ${2 ** 31 - 1} (Kafka counts partitions in an int32), got ${n}`);
  return n;
}
