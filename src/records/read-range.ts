import { UsageError } from '../errors.js';
import { parseDuration } from '../cli/flag-values.js';
import { parseIsoDateTime } from '../offsets/reset-mode.js';

/** Where a read starts (`--from`), as kcat's -o and rpk's -o say it. */
export type StartSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  /** The same offset in every partition read, or one per partition (P:O,P:O). */
  | { kind: 'offset'; offset: bigint }
  | { kind: 'offsets'; byPartition: Map<number, bigint> }
  /** The last N records of each partition, markers and aborted records not counted (kcat's -o -N counts offsets). */
  | { kind: 'last'; count: bigint }
  | { kind: 'time'; timestampMs: number; text: string };

/** Where a read stops (`--until`): the end offsets as of the start (kcat's -e), an offset, or a time. */
export type EndSpec = { kind: 'end' } | { kind: 'offset'; offset: bigint } | { kind: 'offsets'; byPartition: Map<number, bigint> } | { kind: 'time'; timestampMs: number; text: string };

const FROM_HINT = 'use earliest, latest, an offset (42 or 0:42,1:17), -N for the last N records of each partition, a time (2026-12-01T10:00:00Z, @1764583200000) or 30m ago';
const UNTIL_HINT = 'use end, an offset (42 or 0:42,1:17), or a time (2026-12-01T10:30:00Z, @1764585000000, 10m ago)';

export function parseStart(text: string, nowMs: number, flag = '--from'): StartSpec {
  const t = text.trim();
  if (/^(earliest|beginning|start|oldest)$/i.test(t)) return { kind: 'earliest' };
  if (/^(latest|end|newest)$/i.test(t)) return { kind: 'latest' };
  if (/^-\d+$/.test(t)) return { kind: 'last', count: BigInt(t.slice(1)) };
  return offsetsOrTime(t, nowMs, flag, FROM_HINT) ?? bad(flag, text, FROM_HINT);
}

export function parseEnd(text: string, nowMs: number, flag = '--until'): EndSpec {
  const t = text.trim();
  if (/^(end|latest)$/i.test(t)) return { kind: 'end' };
  return offsetsOrTime(t, nowMs, flag, UNTIL_HINT) ?? bad(flag, text, UNTIL_HINT);
}

function offsetsOrTime(t: string, nowMs: number, flag: string, hint: string): { kind: 'offset'; offset: bigint } | { kind: 'offsets'; byPartition: Map<number, bigint> } | { kind: 'time'; timestampMs: number; text: string } | undefined {
  if (/^\d+$/.test(t)) return { kind: 'offset', offset: BigInt(t) };
  if (/^\d+:\d+(,\d+:\d+)*$/.test(t)) {
    const byPartition = new Map<number, bigint>();
    for (const pair of t.split(',')) {
      const [p, o] = pair.split(':');
      if (byPartition.has(Number(p))) throw new UsageError(`${flag} ${t} names partition ${p} twice`, hint);
      byPartition.set(Number(p), BigInt(o!));
    }
    return { kind: 'offsets', byPartition };
  }
  if (/^@\d+$/.test(t)) return { kind: 'time', timestampMs: Number(t.slice(1)), text: new Date(Number(t.slice(1))).toISOString() };
  const ago = t.match(/^(?:-(\S+)|(\S+)\s*ago)$/i);
  if (ago) return { kind: 'time', timestampMs: nowMs - parseDuration(ago[1] ?? ago[2]!, flag), text: t };
  if (/^\d{4}-\d{2}-\d{2}/.test(t)) return { kind: 'time', timestampMs: parseIsoDateTime(t, flag), text: t };
  return undefined;
}

function bad(flag: string, text: string, hint: string): never {
  throw new UsageError(`${flag} ${JSON.stringify(text)} is not a position`, hint);
}

export interface PartitionOffsets {
  partition: number;
  /** The log start (earliest offset still there). */
  start: bigint;
  /** The end a read at the chosen isolation sees: the last stable offset for read_committed, else the high watermark. */
  end: bigint;
}

/** What ListOffsets said of each partition for a time: the first offset at or after it, or null when none is. */
export type OffsetsForTime = Map<number, bigint | null>;

export interface PartitionRange {
  partition: number;
  from: bigint;
  /** Stop before it; null reads on (--follow). */
  until: bigint | null;
  /** The time that ends the read where ListOffsets could not place it yet (a time after the last record, --follow). */
  untilTime?: number;
}

/**
 * Each partition's range from the specs and what the broker said (pure, for tests): the
 * offsets asked for must lie in the log, a start time before the log start is refused (part
 * of that window is gone: reading on from the log start would show a window it is not), and
 * `--follow` reads on past the end unless an end was given.
 */
export function planReadRanges(args: {
  topic: string;
  partitions: PartitionOffsets[];
  start: StartSpec;
  end: EndSpec | null;
  /** ListOffsets for the start time / end time, when those are times. */
  startTimes?: OffsetsForTime;
  endTimes?: OffsetsForTime;
  /** Where the last N records of each partition begin (last-records-start.ts), for a start of kind 'last'. */
  lastStarts?: Map<number, bigint>;
  /** The earliest record timestamp of each partition, to say how far back a partition goes. */
  firstTimestamps?: Map<number, number>;
  follow: boolean;
}): PartitionRange[] {
  const { topic, start, end } = args;
  for (const spec of [start, end]) {
    if (spec?.kind !== 'offsets') continue;
    const known = new Set(args.partitions.map((p) => p.partition));
    for (const p of spec.byPartition.keys()) {
      if (!known.has(p)) throw new UsageError(`${topic} has no partition ${p} among those read (${[...known].join(', ')})`, '--partition picks partitions; the topic\'s are listed by `streamflow topic describe`');
    }
  }
  const ranges: PartitionRange[] = [];
  for (const p of args.partitions) {
    let from: bigint;
    switch (start.kind) {
      case 'earliest':
        from = p.start;
        break;
      case 'latest':
        from = p.end;
        break;
      case 'last': {
        const found = args.lastStarts?.get(p.partition);
        if (found === undefined) throw new Error(`no start found for the last ${start.count} records of ${topic}-${p.partition}`);
        from = found;
        break;
      }
      case 'offset':
      case 'offsets': {
        const o = start.kind === 'offset' ? start.offset : start.byPartition.get(p.partition);
        if (o === undefined) continue; // P:O lists the partitions to read
        if (o < p.start || o > p.end) {
          throw new UsageError(`offset ${o} is out of range for ${topic}-${p.partition}: its records span offsets ${p.start} to ${p.end} (the end is where the next record goes)`, `use --from ${p.start} or --from earliest`);
        }
        from = o;
        break;
      }
      case 'time': {
        const found = args.startTimes?.get(p.partition) ?? null;
        const first = args.firstTimestamps?.get(p.partition);
        if (first !== undefined && start.timestampMs < first && p.start > 0n) {
          throw new UsageError(
            `${start.text} is before the log start of ${topic}-${p.partition}: its oldest record is from ${new Date(first).toISOString()} (offset ${p.start}); older records were deleted`,
            '--from earliest reads what is left',
          );
        }
        from = found ?? p.end;
        break;
      }
    }
    let until: bigint | null = args.follow ? null : p.end;
    let untilTime: number | undefined;
    if (end?.kind === 'end') until = p.end;
    else if (end?.kind === 'offset' || end?.kind === 'offsets') {
      const o = end.kind === 'offset' ? end.offset : (end.byPartition.get(p.partition) ?? p.end);
      if (o < from) throw new UsageError(`--until ${o} is before where the read of ${topic}-${p.partition} starts (${from})`);
      until = o;
    } else if (end?.kind === 'time') {
      const found = args.endTimes?.get(p.partition) ?? null;
      if (found !== null) until = found < from ? from : found;
      else if (args.follow) untilTime = end.timestampMs;
      else until = p.end;
    }
    ranges.push({ partition: p.partition, from, until, ...(untilTime !== undefined ? { untilTime } : {}) });
  }
  return ranges;
}
