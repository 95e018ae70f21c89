import { type GroupLag, type GroupSample, type PartitionSample, samePartitions } from './compute-lag.js';

/**
 * Burrow's verdicts, worst last: OK; WARN (lag grew through the window while the offset
 * moved); REWIND (the committed offset went back); STALL (commits keep coming, the offset
 * does not move, lag above 0); STOP (no commit through the window, lag above 0); ERROR
 * (records were deleted by retention before the group read them).
 */
export const LAG_STATUSES = ['OK', 'WARN', 'REWIND', 'STALL', 'STOP', 'ERROR'] as const;
export type LagStatus = (typeof LAG_STATUSES)[number];

export interface Verdict {
  status: LagStatus;
  /** One line an operator can act on. */
  reason: string;
}

/** A group's lag with its verdict over recent samples (lag --watch, the dashboard). */
export type WatchedGroup = GroupLag & { status?: LagStatus; reason?: string };

export interface PartitionVerdict extends Verdict {
  topic: string;
  partition: number;
  /** Records deleted before the group read them: log start minus committed offset, else 0. */
  lostRecords: number;
}

/** A commit of the group as `__consumer_offsets` recorded it (an unchanged offset included). */
export interface CommitSeen {
  at: number;
  offset: bigint;
}

export interface VerdictInput {
  /** The group's samples through the window, oldest first. */
  samples: GroupSample[];
  windowMs: number;
  /** Commits per `topic:partition` within the window; a partition missing here had none. Undefined: commits were not observed. */
  commits?: Map<string, CommitSeen[]>;
  /** A partition's log start offset at the last sample (undefined: not known). */
  logStart?: (topic: string, partition: number) => bigint | undefined;
}

export const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

/** The verdict of every partition of the group and of the group: its worst partition's. */
export function evaluateGroup(input: VerdictInput): { verdict: Verdict; partitions: PartitionVerdict[] } {
  const last = input.samples.at(-1);
  if (!last) return { verdict: { status: 'OK', reason: 'no sample' }, partitions: [] };
  const series = partitionSeries(input.samples, last.partitions);
  const spanMs = last.takenAt - input.samples[0]!.takenAt;
  const ctx: PartitionContext = { spanMs, windowMs: input.windowMs, members: last.members, commits: input.commits, logStart: input.logStart };
  const partitions = last.partitions.map((p, i) => {
    series.i = i;
    return evaluatePartition(p.topic, p.partition, series, ctx);
  });
  const worst = partitions.reduce<PartitionVerdict | undefined>((w, p) => (!w || severity(p.status) > severity(w.status) ? p : w), undefined);
  if (!worst || worst.status === 'OK') {
    // Records that wait on an offset not watched for a whole window yet: too early to tell.
    const early = partitions.filter((p) => p.reason.startsWith(NOT_YET));
    const reason = !worst ? 'no partitions' : early.length ? `${early.length} partition(s) with lag not watched for a whole window yet (${seconds(spanMs)} of ${seconds(input.windowMs)})` : 'every partition is consuming or caught up';
    return { verdict: { status: 'OK', reason }, partitions };
  }
  const others = partitions.filter((p) => p.status === worst.status).length - 1;
  return { verdict: { status: worst.status, reason: `${worst.topic}/${worst.partition}: ${worst.reason}${others > 0 ? ` (and ${others} more)` : ''}` }, partitions };
}

/**
 * Partition `i` through the samples, oldest first: `length` samples, `at(k)` the k-th. One
 * object serves every partition of a group in turn (set `i`), so a refresh of thousands of
 * partitions allocates none per partition.
 */
interface Series {
  i: number;
  readonly length: number;
  at(k: number): PartitionSample;
}

/**
 * Each partition of `last` through the samples. Samples listing the same partitions as the
 * last (the usual case) are read in place, by index; otherwise partitions are matched by name.
 */
function partitionSeries(samples: GroupSample[], last: PartitionSample[]): Series {
  if (samples.every((s) => samePartitions(s.partitions, last))) {
    return {
      i: 0,
      length: samples.length,
      at(k) {
        return samples[k]!.partitions[this.i]!;
      },
    };
  }
  const out = last.map((): PartitionSample[] => []);
  const index = new Map(last.map((p, i) => [partitionKey(p.topic, p.partition), i]));
  for (const s of samples) {
    for (const p of s.partitions) {
      const i = index.get(partitionKey(p.topic, p.partition));
      if (i !== undefined) out[i]!.push(p);
    }
  }
  return {
    i: 0,
    get length() {
      return out[this.i]!.length;
    },
    at(k) {
      return out[this.i]![k]!;
    },
  };
}

interface PartitionContext {
  spanMs: number;
  windowMs: number;
  members: number;
  commits: VerdictInput['commits'];
  logStart: VerdictInput['logStart'];
}

function evaluatePartition(topic: string, partition: number, samples: Series, ctx: PartitionContext): PartitionVerdict {
  const first = samples.at(0);
  const last = samples.at(samples.length - 1);
  const verdict = (status: LagStatus, reason: string, lostRecords = 0): PartitionVerdict => ({ topic, partition, status, reason, lostRecords });
  const logStart = last.committed === null ? undefined : ctx.logStart?.(topic, partition);
  if (last.committed !== null && logStart !== undefined && logStart > last.committed) {
    const lost = logStart - last.committed;
    return verdict('ERROR', `${lost} records deleted by retention before the group read them (committed ${last.committed}, log start ${logStart})`, Number(lost));
  }
  for (let k = 1; k < samples.length; k++) {
    const a = samples.at(k - 1).committed;
    const b = samples.at(k).committed;
    if (a !== null && b !== null && b < a) return verdict('REWIND', `committed offset went back from ${a} to ${b}`);
  }
  const lag = lagOf(last);
  if (lag === null) return verdict('OK', 'no committed offset yet');
  if (lag === 0n) return verdict('OK', 'caught up');
  if (last.committed !== null && first.committed !== null && last.committed > first.committed) {
    const lags: bigint[] = [];
    for (let k = 0; k < samples.length; k++) {
      const l = lagOf(samples.at(k));
      if (l !== null) lags.push(l);
    }
    const grew = lags.length > 1 && lags.every((l, i) => i === 0 || l >= lags[i - 1]!) && lags.at(-1)! > lags[0]!;
    const moved = last.committed - first.committed;
    if (grew) return verdict('WARN', `lag grew from ${lags[0]} to ${lag} through the window while the group consumed ${moved} records`);
    return verdict('OK', `consuming (${moved} records through the window, lag ${lag})`);
  }
  // The offset did not move and records wait: re-committing it is a stall, silence a stop.
  if (ctx.spanMs < ctx.windowMs) return verdict('OK', `${NOT_YET}: lag ${lag}, offset unchanged for ${seconds(ctx.spanMs)} of the ${seconds(ctx.windowMs)} window`);
  // Commits matter only for an offset that did not move: looked up then, not for every partition.
  const commits = ctx.commits === undefined ? undefined : (ctx.commits.get(partitionKey(topic, partition)) ?? []);
  const repeats = commits?.length ?? 0;
  if (repeats > 0) return verdict('STALL', `committed offset ${last.committed} again ${repeats} time(s) in ${seconds(ctx.windowMs)} without moving; lag ${lag}`);
  const who = ctx.members === 0 ? 'the group has no members' : `${ctx.members} member(s)`;
  const seen = commits === undefined ? 'its offset did not move' : 'no commit';
  return verdict('STOP', `${seen} for ${seconds(ctx.windowMs)} with lag ${lag}; ${who}`);
}

const NOT_YET = 'too early to tell';

function lagOf(p: PartitionSample): bigint | null {
  if (p.committed === null) return null;
  if (p.onlyMarkersPending) return 0n;
  return p.end > p.committed ? p.end - p.committed : 0n;
}

function severity(status: LagStatus): number {
  return LAG_STATUSES.indexOf(status);
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
