import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../config/resolve-connection.js';
import type { ClusterSession } from '../kafka/cluster-session.js';
import { type TransactionalMessage, connectTransactionalProducer } from '../kafka/transactional-producer.js';
import type { DeadLetterRecord } from './dead-letter-record.js';
import { type DlqFilter, matchesDlqFilters } from './dlq-filter.js';
import { type PartitionSpan, scanDlq, spansOf } from './dlq-scan.js';
import type { PayloadDecoder } from './payload-decoder.js';
import { type RedriveDecision, type RedriveRules, RedriveTally, decideRedrive, redriveGroup } from './redrive-plan.js';

export interface RedriveRequest extends RedriveRules {
  topic: string;
  filters: DlqFilter[];
  /** Only records this also accepts (the dashboard's hand-picked records); every record when absent. */
  select?: (record: DeadLetterRecord) => boolean;
  /** Send at most this many records in this run. */
  limit?: number;
  /** --validate: records whose payload does not decode with the registry are skipped. */
  validator?: PayloadDecoder;
  /** --rate: records per second (REDRIVE_RATE_PER_SEC unless the operator says otherwise). */
  ratePerSec: number;
  signal: AbortSignal;
  onProgress?: (p: { scanned: number; total: number; redriven: number; skipped: number }) => void;
}

export interface RedriveSummary {
  jobId: string;
  /** The consumer group holding the job's checkpoint (highest handled DLQ offset + 1 per partition). */
  group: string;
  topic: string;
  executed: boolean;
  planned: number;
  redriven: number;
  skipped: number;
  byTarget: Record<string, number>;
  byErrorClass: Record<string, number>;
  skippedBy: RedriveTally['skippedBy'];
  /** DLQ records looked at, matching the filters or not. */
  scanned: number;
  /** Records between the checkpoint and the end when the run started. */
  remaining: number;
  interrupted: boolean;
}

/** Records per transaction at most; at lower rates, about a quarter second's worth. */
const CHUNK = 200;

/**
 * What a run of the job would do from its checkpoint: counts by target topic and error class,
 * and skips by reason. Reads the DLQ; changes nothing. A target topic that does not exist is a
 * UsageError (exit 2): sending to it would fail mid-job, or have the broker auto-create it.
 */
export async function planRedrive(session: ClusterSession, req: RedriveRequest): Promise<RedriveSummary> {
  const group = redriveGroup(req.jobId);
  const spans = await spansOf(session, req.topic, await checkpointOf(session, group, req.topic));
  const tally = new RedriveTally();
  scan: for await (const chunk of scanDlq(session, req.topic, spans, CHUNK)) {
    for (const r of chunk.records) {
      if (req.limit !== undefined && tally.planned >= req.limit) break scan;
      tally.scanned++;
      if (!wanted(r, req)) continue;
      tally.count(r, await decide(r, req));
    }
  }
  await session.offsets.partitions(Object.keys(tally.byTarget));
  return summary(req, group, spans, tally, false, false);
}

/**
 * Run the job: each chunk's records go back to their topics and the job's checkpoint moves
 * past them in one Kafka transaction, so an interrupted or crashed run resumes without
 * sending any record twice (for read_committed readers). Starting fences any earlier run of
 * the same job. Ctrl-C stops after the transaction in flight. The DLQ is only read.
 */
export async function executeRedrive(conn: Connection, session: ClusterSession, req: RedriveRequest): Promise<RedriveSummary> {
  const group = redriveGroup(req.jobId);
  const sender = await connectTransactionalProducer(conn, group);
  const tally = new RedriveTally();
  let interrupted = false;
  try {
    await sender.fence();
    // Read after fencing: an earlier run's last transaction is settled by now.
    const spans = await spansOf(session, req.topic, await checkpointOf(session, group, req.topic));
    const total = spans.reduce((sum, s) => sum + Number(s.until - s.from), 0);
    const chunkSize = Math.max(1, Math.min(CHUNK, Math.floor(req.ratePerSec / 4)));
    const started = Date.now();
    for await (const chunk of scanDlq(session, req.topic, spans, chunkSize)) {
      if (req.limit !== undefined && tally.planned >= req.limit) break;
      // Counted into the job's tally only once the chunk's transaction committed.
      const done = new RedriveTally();
      const messages: TransactionalMessage[] = [];
      let next = chunk.nextOffset;
      for (const r of chunk.records) {
        if (req.limit !== undefined && tally.planned + done.planned >= req.limit) {
          next = r.offset;
          break;
        }
        done.scanned++;
        if (!wanted(r, req)) continue;
        const decision = await decide(r, req);
        done.count(r, decision);
        if (decision.action === 'send') messages.push(decision.message);
      }
      if (messages.length > 0) {
        const due = started + (tally.redriven / req.ratePerSec) * 1000;
        if (due > Date.now() && !(await sleep(due - Date.now(), true, { signal: req.signal }).catch(() => false))) {
          interrupted = true;
          break;
        }
      }
      await sender.sendWithOffsets(messages, group, [{ topic: req.topic, partition: chunk.partition, offset: next }]);
      done.redriven = messages.length;
      tally.add(done);
      req.onProgress?.({ scanned: tally.scanned, total, redriven: tally.redriven, skipped: tally.skipped });
      if (req.signal.aborted) {
        interrupted = true;
        break;
      }
    }
    return summary(req, group, spans, tally, true, interrupted);
  } finally {
    await sender.disconnect();
  }
}

function wanted(r: DeadLetterRecord, req: RedriveRequest): boolean {
  return matchesDlqFilters(r, req.filters) && (req.select?.(r) ?? true);
}

async function decide(r: DeadLetterRecord, req: RedriveRequest): Promise<RedriveDecision> {
  const valid = req.validator ? (await req.validator(r.value)).error === null : null;
  return decideRedrive(r, req, valid);
}

async function checkpointOf(session: ClusterSession, group: string, topic: string): Promise<Map<number, bigint>> {
  const committed = await session.groups.committed(group, [topic]);
  return new Map(committed.filter((c) => c.offset !== null).map((c) => [c.partition, c.offset!]));
}

function summary(req: RedriveRequest, group: string, spans: PartitionSpan[], t: RedriveTally, executed: boolean, interrupted: boolean): RedriveSummary {
  return {
    jobId: req.jobId,
    group,
    topic: req.topic,
    executed,
    planned: t.planned,
    redriven: t.redriven,
    skipped: t.skipped,
    byTarget: t.byTarget,
    byErrorClass: t.byErrorClass,
    skippedBy: t.skippedBy,
    scanned: t.scanned,
    remaining: spans.reduce((sum, s) => sum + Number(s.until - s.from), 0),
    interrupted,
  };
}
