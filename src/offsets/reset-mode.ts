import { UsageError } from '../errors.js';
import type { OffsetsByGroup } from './offsets-csv.js';
import { int64 } from '../cli/flag-values.js';

/** The reset specifications of Kafka's kafka-consumer-groups.sh --reset-offsets. */
export type ResetMode =
  | { kind: 'to-earliest' }
  | { kind: 'to-latest' }
  | { kind: 'to-current' }
  | { kind: 'to-offset'; offset: bigint }
  | { kind: 'shift-by'; shift: bigint }
  | { kind: 'to-datetime'; timestampMs: number }
  /** now minus this duration, resolved when the offsets are fetched. */
  | { kind: 'by-duration'; durationMs: number }
  | { kind: 'from-file'; offsets: OffsetsByGroup };

/** The modes that take a value: a flag's argument for `offsets reset`, typed text in the dashboard's wizard. */
export type ValueResetModeKind = 'to-offset' | 'shift-by' | 'to-datetime' | 'by-duration';

/**
 * The reset mode of a kind from its value, for `offsets reset` and the dashboard's wizard alike.
 * `name` is what errors call the value (the flag by default). Offsets and shifts must fit Kafka's int64.
 */
export function parseResetMode(kind: ValueResetModeKind, text: string, name = `--${kind}`): ResetMode {
  switch (kind) {
    case 'to-offset':
      return { kind, offset: int64(name, text) };
    case 'shift-by':
      return { kind, shift: int64(name, text) };
    case 'to-datetime':
      return { kind, timestampMs: parseIsoDateTime(text, name) };
    case 'by-duration':
      return { kind, durationMs: parseIsoDuration(text, name) };
  }
}

/** Which partitions a reset covers: --topic T / T:p,.. entries, or --all-topics (those the group committed to). */
export type ResetScope = { kind: 'topics'; topics: Array<{ topic: string; partitions: number[] | null }> } | { kind: 'all-topics' } | { kind: 'file' };

/** `T` or `T:0,1,2`, as Kafka's tool reads --topic. */
export function parseTopicScope(args: string[]): Array<{ topic: string; partitions: number[] | null }> {
  return args.map((arg) => {
    if (!arg.includes(':')) {
      if (arg.trim() === '') throw new UsageError('--topic needs a topic name');
      return { topic: arg, partitions: null };
    }
    const parts = arg.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new UsageError(`--topic "${arg}" is not TOPIC or TOPIC:P[,P..]`, 'e.g. --topic checkout.orders:0,1,2');
    const partitions = parts[1]!.split(',').map((p) => {
      if (!/^\d+$/.test(p.trim())) throw new UsageError(`--topic "${arg}": partition "${p}" is not a number`);
      return Number(p.trim());
    });
    return { topic: parts[0]!, partitions: [...new Set(partitions)] };
  });
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * ISO-8601 date-time to epoch ms. Like Kafka's tool, a time without a zone is UTC; Kafka's own
 * format (2024-05-01T12:00:00.000, optional zone) is accepted, and so are shorter forms
 * (seconds, minutes or a bare date).
 */
export function parseIsoDateTime(text: string, flag = '--to-datetime'): number {
  const m = DATE_TIME.exec(text.trim());
  const fail = () => new UsageError(`${flag} "${text}" is not an ISO-8601 date-time`, 'e.g. 2024-05-01T12:00:00.000 (UTC), 2024-05-01T14:00:00+02:00 or 2024-05-01');
  if (!m) throw fail();
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const fields = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5], ms);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over into March: refuse what does not round-trip.
  if (check.getUTCFullYear() !== fields[0] || check.getUTCMonth() !== fields[1] || check.getUTCDate() !== fields[2] || fields[3] > 23 || fields[4] > 59 || fields[5] > 59) throw fail();
  let offsetMin = 0;
  if (zone.toUpperCase() !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
    if (Number(z[2]) > 18 || Number(z[3] ?? 0) > 59) throw fail();
  }
  return utc - offsetMin * 60_000;
}

const DURATION = /^([-+]?)P(?:([-+]?\d+)D)?(?:T(?:([-+]?\d+)H)?(?:([-+]?\d+)M)?(?:([-+]?\d+)(?:[.,](\d{0,9}))?S)?)?$/i;

/** An ISO-8601 duration as Java's Duration.parse reads it (PnDTnHnMn.nS: days, hours, minutes, seconds) to ms. */
export function parseIsoDuration(text: string, flag = '--by-duration'): number {
  const t = text.trim();
  const m = DURATION.exec(t);
  // Like Java: at least one component, and a 'T' must be followed by one.
  if (!m || !/\d/.test(t) || /T$/i.test(t)) throw new UsageError(`${flag} "${text}" is not an ISO-8601 duration`, 'e.g. PT30M, PT2H, P1D or P1DT12H (days, hours, minutes, seconds)');
  const [, sign, d = '0', h = '0', mi = '0', s = '0', frac = ''] = m;
  const secondsSign = s.startsWith('-') ? -1 : 1;
  const ms = Number(d) * 86_400_000 + Number(h) * 3_600_000 + Number(mi) * 60_000 + Number(s) * 1000 + secondsSign * Number(frac.padEnd(3, '0').slice(0, 3));
  return sign === '-' ? -ms : ms;
}
