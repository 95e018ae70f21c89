import crypto from 'node:crypto';
import type { TransactionalMessage } from '../kafka/transactional-producer.js';
import type { DeadLetterRecord } from './dead-letter-record.js';
import { isDeadLetterContextHeader } from './dlq-envelope.js';
import { STREAMFLOW } from './dlq-headers.js';

export interface RedriveRules {
  jobId: string;
  /** --to: every record goes here instead of its original topic. */
  to?: string;
  /** A record redriven this many times already is parked (or skipped without a parking topic): stops DLQ → topic → DLQ loops. */
  maxRedrives: number;
  /** Where such records go, whole (their DLQ headers kept); null: they are only skipped. */
  parkingTopic?: string | null;
}

export type SkipReason = 'max-redrives' | 'invalid' | 'no-target';

export type RedriveDecision = { action: 'send'; message: TransactionalMessage } | { action: 'park'; message: TransactionalMessage } | { action: 'skip'; reason: SkipReason };

/** `<dlq>.parking`: the default parking topic of a DLQ. */
export function defaultParkingTopic(dlq: string): string {
  return `${dlq}.parking`;
}

/**
 * The job id: the same DLQ, target and filters give the same id, so a rerun resumes where the
 * last run stopped (its checkpoint is the consumer group streamflow-redrive-<id>).
 */
export function redriveJobId(topic: string, to: string | undefined, filters: string[]): string {
  const identity = JSON.stringify({ topic, to: to ?? null, filters: [...filters].sort() });
  return crypto.createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

export function redriveGroup(jobId: string): string {
  return `streamflow-redrive-${jobId}`;
}

/**
 * The metadata committed with a partition's checkpoint: how many records the job has sent from
 * that partition over all its runs. Written in the transaction that sends them, so it is exact.
 */
export function checkpointMetadata(redriven: number): string {
  return JSON.stringify({ redriven });
}

/** The job's records sent from a partition, from its checkpoint metadata; null when not recorded (a checkpoint of an older streamflow). */
export function redrivenOf(metadata: string | null): number | null {
  try {
    const n = (JSON.parse(metadata ?? '') as { redriven?: unknown }).redriven;
    return Number.isSafeInteger(n) && (n as number) >= 0 ? (n as number) : null;
  } catch {
    return null;
  }
}

/**
 * What to do with one (filter-matching) DLQ record. `valid` is the --validate verdict (null
 * when not validating). A record goes back with its key, value and own headers; the DLQ
 * context headers are dropped and the provenance headers set.
 */
export function decideRedrive(record: DeadLetterRecord, rules: RedriveRules, valid: boolean | null): RedriveDecision {
  const e = record.envelope;
  if (e.redrive.count >= rules.maxRedrives) {
    if (!rules.parkingTopic) return { action: 'skip', reason: 'max-redrives' };
    return { action: 'park', message: { topic: rules.parkingTopic, key: record.rawKey, value: record.value, headers: parkingHeaders(record.rawHeaders, rules.jobId) } };
  }
  const target = rules.to ?? e.original.topic;
  if (!target) return { action: 'skip', reason: 'no-target' };
  if (valid === false) return { action: 'skip', reason: 'invalid' };
  // Keyed records go where the partitioner puts their key today; unkeyed ones back to their partition.
  const partition = record.rawKey === null && rules.to === undefined && e.original.partition !== null ? e.original.partition : undefined;
  return {
    action: 'send',
    message: {
      topic: target,
      key: record.rawKey,
      value: record.value,
      headers: redriveHeaders(record.rawHeaders, rules.jobId, e.redrive.count + 1),
      ...(partition !== undefined ? { partition } : {}),
    },
  };
}

/** The record's own headers (DLQ context removed, order kept) plus streamflow.redrive-job and streamflow.redrive-count. */
export function redriveHeaders(headers: Array<{ key: string; value: Buffer | null }>, jobId: string, count: number): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const h of headers) {
    if (h.value === null || isDeadLetterContextHeader(h.key)) continue;
    const prev = out[h.key];
    out[h.key] = prev === undefined ? h.value : Array.isArray(prev) ? [...prev, h.value] : [prev, h.value];
  }
  out[STREAMFLOW.redriveJob] = Buffer.from(jobId);
  out[STREAMFLOW.redriveCount] = Buffer.from(String(count));
  return out;
}

/** Every header of the dead letter, its DLQ context included (the parking lot keeps the whole story), plus the job that parked it. */
function parkingHeaders(headers: Array<{ key: string; value: Buffer | null }>, jobId: string): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  for (const h of headers) {
    if (h.value === null) continue;
    const prev = out[h.key];
    out[h.key] = prev === undefined ? h.value : Array.isArray(prev) ? [...prev, h.value] : [prev, h.value];
  }
  out[STREAMFLOW.parkedByJob] = Buffer.from(jobId);
  return out;
}

/** Counts of a redrive: what was (or would be) sent, by target and error class, what parked, and what was skipped why. */
export class RedriveTally {
  planned = 0;
  redriven = 0;
  skipped = 0;
  /** Records sent (or to send) to the parking topic. */
  parked = 0;
  scanned = 0;
  readonly byTarget: Record<string, number> = {};
  readonly byErrorClass: Record<string, number> = {};
  readonly skippedBy: Record<SkipReason, number> = { 'max-redrives': 0, invalid: 0, 'no-target': 0 };

  count(record: DeadLetterRecord, decision: RedriveDecision): void {
    if (decision.action === 'park') {
      this.parked++;
      return;
    }
    if (decision.action === 'skip') {
      this.skipped++;
      this.skippedBy[decision.reason]++;
      return;
    }
    this.planned++;
    this.byTarget[decision.message.topic] = (this.byTarget[decision.message.topic] ?? 0) + 1;
    const cls = record.envelope.error.class ?? 'unknown';
    this.byErrorClass[cls] = (this.byErrorClass[cls] ?? 0) + 1;
  }

  add(other: RedriveTally): void {
    this.planned += other.planned;
    this.redriven += other.redriven;
    this.skipped += other.skipped;
    this.parked += other.parked;
    this.scanned += other.scanned;
    for (const [k, v] of Object.entries(other.byTarget)) this.byTarget[k] = (this.byTarget[k] ?? 0) + v;
    for (const [k, v] of Object.entries(other.byErrorClass)) this.byErrorClass[k] = (this.byErrorClass[k] ?? 0) + v;
    for (const k of Object.keys(this.skippedBy) as SkipReason[]) this.skippedBy[k] += other.skippedBy[k];
  }
}
