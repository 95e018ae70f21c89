import { UsageError } from '../errors.js';

const UNITS: Record<string, number> = { ms: 1, s: 1_000, sec: 1_000, m: 60_000, min: 60_000, h: 3_600_000 };

/** "90s", "2m", "1h", "500ms" -> milliseconds; a bare number is seconds. */
export function parseDuration(text: string, flag = '--duration'): number {
  const m = String(text).trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h)?$/i);
  if (!m) throw new UsageError(`${flag} "${text}" is not a duration`, 'use e.g. 30s, 2m, 1h or 500ms');
  const ms = Number(m[1]) * UNITS[(m[2] ?? 's').toLowerCase()]!;
  if (ms <= 0) throw new UsageError(`${flag} must be greater than zero`);
  return ms;
}
