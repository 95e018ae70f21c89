import type { Connection } from '../config/resolve-connection.js';
import type { ClusterSession } from '../kafka/cluster-session.js';
import { ensureInternalTopic } from '../kafka/internal-topic.js';
import { sendOnce } from '../kafka/producer.js';
import { readToEnd } from '../kafka/read-to-end.js';
import type { TransactionalMessage } from '../kafka/transactional-producer.js';

/**
 * Redrive jobs as any shell or host sees them (SQS's ListMessageMoveTasks): one compacted
 * record per job id holding its latest state. A running job writes its state in the same
 * transaction as each chunk it sends, so the counts listed are exact; `dlq cancel` writes a
 * cancel request under the same key, which the job reads between chunks.
 */
export const JOBS_TOPIC = '_streamflow-dlq-jobs';

export type JobStatus = 'running' | 'completed' | 'cancelling' | 'cancelled' | 'failed' | 'interrupted';

export interface JobState {
  jobId: string;
  dlq: string;
  /** --to, or null: each record's original topic. */
  target: string | null;
  filters: string[];
  status: JobStatus;
  /** Records sent over all runs of the job. */
  redriven: number;
  /** Records this run skipped (filters aside): too often redriven, invalid, no target. */
  skipped: number;
  parked: number;
  /** Records after the checkpoint up to the DLQ's end when the run started; null when not counted. */
  remaining: number | null;
  /** --rate in records/s; null: no limit (max). */
  ratePerSec: number | null;
  /** ISO times. */
  started: string;
  updated: string;
  /** user@host that ran it. */
  by: string;
  /** Why it failed, or who asked it to stop. */
  note: string | null;
}

/** A job's state record that says "running" but was not updated for this long lost its process (killed, host gone). */
export const STALE_AFTER_MS = 30_000;

interface CancelRequest {
  type: 'cancel-request';
  jobId: string;
  by: string;
  at: string;
}

export async function ensureJobsTopic(conn: Connection): Promise<void> {
  await ensureInternalTopic(conn, JOBS_TOPIC, { 'cleanup.policy': 'compact' });
}

/** The job's state as a record to send in a chunk's transaction. */
export function jobStateMessage(state: JobState): TransactionalMessage {
  return { topic: JOBS_TOPIC, key: Buffer.from(state.jobId), value: Buffer.from(JSON.stringify(state)), headers: {} };
}

/**
 * Every job's latest state, newest update first. A pending cancel request shows as
 * `cancelling` (with the job's last counts); a running job not updated for STALE_AFTER_MS as
 * `interrupted` (rerun it to resume).
 */
export async function listJobs(session: ClusterSession, now = Date.now()): Promise<JobState[]> {
  const jobs = new Map<string, JobState>();
  if (!(await session.offsets.topicNames()).includes(JOBS_TOPIC)) return [];
  await readToEnd(session, JOBS_TOPIC, 0, 0n, (r) => {
    const doc = parse(r.value);
    if (!doc) return;
    if (isCancelRequest(doc)) {
      const job = jobs.get(doc.jobId);
      if (job?.status === 'running') jobs.set(doc.jobId, { ...job, status: 'cancelling', note: `cancel requested by ${doc.by} at ${doc.at}` });
    } else jobs.set(doc.jobId, doc);
  });
  return [...jobs.values()]
    .map((j) => (j.status === 'running' && now - Date.parse(j.updated) > STALE_AFTER_MS ? { ...j, status: 'interrupted' as const, note: `no update since ${j.updated}: its process stopped; rerun the redrive to resume` } : j))
    .sort((a, b) => b.updated.localeCompare(a.updated));
}

/** Ask a running job to stop after its current transaction. */
export async function requestCancel(conn: Connection, jobId: string, by: string): Promise<void> {
  const request: CancelRequest = { type: 'cancel-request', jobId, by, at: new Date().toISOString() };
  await sendOnce(conn, 'streamflow-dlq-cancel', JOBS_TOPIC, [{ key: jobId, value: Buffer.from(JSON.stringify(request)) }]);
}

/**
 * What a running job reads between chunks: cancel requests for it written since it started
 * (an earlier run's request does not stop a rerun). Reads at most once per CHECK_EVERY_MS.
 */
export class CancelWatch {
  private next = 0n;
  private checkedAt = 0;
  private request: CancelRequest | null = null;

  constructor(private readonly session: ClusterSession, private readonly jobId: string) {}

  async start(): Promise<void> {
    const [range] = await this.session.offsets.ranges([{ topic: JOBS_TOPIC, partition: 0 }]);
    this.next = range!.latest;
    this.checkedAt = Date.now();
  }

  /** Who asked the job to stop, or null. */
  async requested(): Promise<{ by: string; at: string } | null> {
    if (this.request || Date.now() - this.checkedAt < CHECK_EVERY_MS) return this.request;
    this.checkedAt = Date.now();
    this.next = await readToEnd(this.session, JOBS_TOPIC, 0, this.next, (r) => {
      const doc = parse(r.value);
      if (doc && isCancelRequest(doc) && doc.jobId === this.jobId) this.request ??= doc;
    });
    return this.request;
  }
}

const CHECK_EVERY_MS = 1_000;

function parse(value: Buffer | null): JobState | CancelRequest | null {
  try {
    const doc = JSON.parse(value?.toString() ?? '') as JobState | CancelRequest;
    return typeof doc.jobId === 'string' ? doc : null;
  } catch {
    return null;
  }
}

function isCancelRequest(doc: JobState | CancelRequest): doc is CancelRequest {
  return (doc as CancelRequest).type === 'cancel-request';
}
