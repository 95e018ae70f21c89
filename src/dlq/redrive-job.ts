import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '../config/resolve-connection.js';
import type { ClusterSession } from '../kafka/cluster-session.js';
import { ProducerFencedError, type TransactionalMessage, connectTransactionalProducer } from '../kafka/transactional-producer.js';
import { RecordCounter } from '../topics/record-count.js';
import type { DeadLetterRecord } from './dead-letter-record.js';
import { type DlqFilter, matchesDlqFilters } from './dlq-filter.js';
import { type PartitionSpan, scanDlq, spansOf } from './dlq-scan.js';
import type { PayloadDecoder } from './payload-decoder.js';
import { appendAudit } from './audit-log.js';
import { sendOnce } from '../kafka/producer.js';
import { withTopicAdmin } from '../kafka/topic-admin.js';
import { MIN_ISR, autoMinInsyncReplicas, autoReplicationFactor } from '../topics/replication-defaults.js';
import { operatorName } from './operator.js';
import { CancelWatch, type JobState, type JobStatus, ensureJobsTopic, jobStateMessage } from './redrive-jobs.js';
import { type RedriveDecision, type RedriveRules, RedriveTally, checkpointMetadata, decideRedrive, redriveGroup, redrivenOf } from './redrive-plan.js';

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
  /** The --filter texts, as `dlq jobs` shows them. */
  filterTexts?: string[];
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
  /** Records (to be) moved to the parking topic: redriven --max-redrives times already. */
  parked: number;
  /** Where they go; null: skipped instead (--parking none). */
  parkingTopic: string | null;
  byTarget: Record<string, number>;
  byErrorClass: Record<string, number>;
  skippedBy: RedriveTally['skippedBy'];
  /** DLQ records looked at, matching the filters or not. */
  scanned: number;
  /**
   * Records after the job's checkpoint when the run ended (for a plan: would end), up to the
   * DLQ's end when it started: 0 after a complete run. Null when not counted (over the count limit).
   */
  remaining: number | null;
  /** The offsets those records span. */
  remainingOffsets: number;
  /** The job had a checkpoint on this DLQ: the run went on from it. */
  resumed: boolean;
  /** Records the job's earlier runs sent; null when their checkpoint does not say (an older streamflow's). */
  previouslyRedriven: number | null;
  /** Ctrl-C (or the dashboard closing) stopped the run; nothing was sent after the transaction in flight. */
  interrupted: boolean;
  /** `dlq cancel` stopped the run after its transaction in flight: who asked. */
  cancelledBy: string | null;
}

/** Records per transaction at most; at lower rates, about a quarter second's worth. */
const CHUNK = 200;

/**
 * What a run of the job would do from its checkpoint: counts by target topic and error class,
 * and skips by reason. Reads the DLQ; changes nothing; stops reading when `signal` aborts. A
 * target topic that does not exist is a UsageError (exit 2): sending to it would fail mid-job, or
 * have the broker auto-create it.
 */
export async function planRedrive(session: ClusterSession, req: RedriveRequest): Promise<RedriveSummary> {
  const group = redriveGroup(req.jobId);
  const checkpoint = await checkpointOf(session, group, req.topic);
  const spans = await spansOf(session, req.topic, checkpoint.offsets);
  const reached = new Map(spans.map((s) => [s.partition, s.from]));
  const tally = new RedriveTally();
  let interrupted = false;
  scan: for await (const chunk of scanDlq(session, req.topic, spans, CHUNK)) {
    if (req.signal.aborted) {
      interrupted = true;
      break;
    }
    for (const r of chunk.records) {
      if (req.limit !== undefined && tally.planned >= req.limit) {
        reached.set(chunk.partition, r.offset);
        break scan;
      }
      tally.scanned++;
      if (!wanted(r, req)) continue;
      tally.count(r, await decide(r, req));
    }
    reached.set(chunk.partition, chunk.nextOffset);
  }
  const targets = Object.keys(tally.byTarget);
  if (!interrupted && targets.length > 0) await session.offsets.partitions(targets);
  return summary(session, req, { group, checkpoint, spans, reached, tally, executed: false, interrupted });
}

/**
 * Run the job: each chunk's records go back to their topics and the job's checkpoint moves
 * past them in one Kafka transaction, so an interrupted or crashed run resumes without
 * sending any record twice (for read_committed readers). The checkpoint's metadata keeps what
 * the job sent from each partition, so a rerun can say what earlier runs did. Starting fences
 * any earlier run of the same job. Ctrl-C stops after the transaction in flight. The DLQ is
 * only read.
 */
export async function executeRedrive(conn: Connection, session: ClusterSession, req: RedriveRequest): Promise<RedriveSummary> {
  const group = redriveGroup(req.jobId);
  await ensureJobsTopic(conn);
  const sender = await connectTransactionalProducer(conn, group);
  const tally = new RedriveTally();
  let interrupted = false;
  let cancelledBy: string | null = null;
  const by = operatorName();
  const startedAt = new Date().toISOString();
  // The job's state counts the records of every run (from the checkpoint; an older streamflow's counts as 0).
  let sentBefore = 0;
  const state = (status: JobStatus, t: RedriveTally, remaining: number | null, note: string | null = null): JobState => ({
    jobId: req.jobId,
    dlq: req.topic,
    target: req.to ?? null,
    filters: req.filterTexts ?? [],
    status,
    redriven: sentBefore + t.redriven,
    skipped: t.skipped,
    parked: t.parked,
    remaining,
    ratePerSec: Number.isFinite(req.ratePerSec) ? req.ratePerSec : null,
    started: startedAt,
    updated: new Date().toISOString(),
    by,
    note,
  });
  const cancel = new CancelWatch(session, req.jobId);
  let parkingReady = false;
  try {
    await sender.fence();
    await cancel.start();
    // Read after fencing: an earlier run's last transaction is settled by now.
    const checkpoint = await checkpointOf(session, group, req.topic);
    const spans = await spansOf(session, req.topic, checkpoint.offsets);
    const reached = new Map(spans.map((s) => [s.partition, s.from]));
    // Records sent from each partition over all runs (null: not recorded by an older checkpoint).
    const sentFrom = new Map(checkpoint.redriven);
    sentBefore = [...checkpoint.redriven.values()].reduce<number>((n, v) => n + (v ?? 0), 0);
    const total = spans.reduce((sum, s) => sum + Number(s.until - s.from), 0);
    // Records (not offsets: transaction markers take offsets) this run has to look at, for the job's remaining count.
    const toScan = (await new RecordCounter().count(session.records, req.topic, spans)).records;
    const chunkSize = Math.max(1, Math.min(CHUNK, Math.floor(req.ratePerSec / 4)));
    const started = Date.now();
    for await (const chunk of scanDlq(session, req.topic, spans, chunkSize)) {
      // Aborted while this chunk was read (or before): nothing more is sent.
      if (req.signal.aborted) {
        interrupted = true;
        break;
      }
      if (req.limit !== undefined && tally.planned >= req.limit) break;
      // Counted into the job's tally only once the chunk's transaction committed.
      const done = new RedriveTally();
      const messages: TransactionalMessage[] = [];
      const parked: TransactionalMessage[] = [];
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
        else if (decision.action === 'park') parked.push(decision.message);
      }
      if (messages.length > 0) {
        const due = started + (tally.redriven / req.ratePerSec) * 1000;
        if (due > Date.now() && !(await sleep(due - Date.now(), true, { signal: req.signal }).catch(() => false))) {
          interrupted = true;
          break;
        }
      }
      const before = sentFrom.get(chunk.partition) ?? 0;
      const sent = before === null ? null : before + messages.length;
      done.redriven = messages.length;
      // The job's state travels in the chunk's transaction: what `dlq jobs` lists is exact.
      const after = new RedriveTally();
      after.add(tally);
      after.add(done);
      const running = state('running', after, toScan === null ? null : toScan - after.scanned);
      if (parked.length > 0 && !parkingReady) {
        await ensureParkingTopic(conn, session, req.topic, parked[0]!.topic);
        parkingReady = true;
      }
      await sender.sendWithOffsets([...messages, ...parked, jobStateMessage(running)], group, [{ topic: req.topic, partition: chunk.partition, offset: next, ...(sent !== null ? { metadata: checkpointMetadata(sent) } : {}) }]);
      sentFrom.set(chunk.partition, sent);
      reached.set(chunk.partition, next);
      tally.add(done);
      req.onProgress?.({ scanned: tally.scanned, total, redriven: tally.redriven, skipped: tally.skipped });
      if (req.signal.aborted) {
        interrupted = true;
        break;
      }
      const asked = await cancel.requested();
      if (asked) {
        cancelledBy = `${asked.by} at ${asked.at}`;
        break;
      }
    }
    const result: RedriveSummary = { ...(await summary(session, req, { group, checkpoint, spans, reached, tally, executed: true, interrupted })), cancelledBy };
    const outcome: JobStatus = cancelledBy ? 'cancelled' : interrupted ? 'interrupted' : 'completed';
    await sender.sendWithOffsets([jobStateMessage(state(outcome, tally, result.remaining, cancelledBy && `cancelled by ${cancelledBy}`))], group, []);
    await audit(conn, req, by, outcome, result);
    return result;
  } catch (err) {
    // Best effort: the job's state and the audit trail say it failed, and why. A fenced run
    // leaves the state to the run that took over.
    const note = (err as Error).message;
    if (!(err instanceof ProducerFencedError)) await connectedStateWrite(conn, state('failed', tally, null, note)).catch(() => undefined);
    await audit(conn, req, by, 'failed', { redriven: tally.redriven, skipped: tally.skipped, parked: tally.parked, remaining: null }).catch(() => undefined);
    throw err;
  } finally {
    await sender.disconnect();
  }
}

/**
 * Create the parking topic the first time a record is parked: the DLQ's partition count and
 * retention.ms, RF 3 and min.insync.replicas 2 on 3+ brokers (as `topic create`): a parked
 * record is the last copy of a failed event.
 */
async function ensureParkingTopic(conn: Connection, session: ClusterSession, dlq: string, parking: string): Promise<void> {
  if ((await session.offsets.topicNames()).includes(parking)) return;
  const partitions = (await session.offsets.partitions([dlq])).get(dlq)!.length;
  await withTopicAdmin(conn, async (admin) => {
    const retention = (await admin.configs([dlq])).get(dlq)?.find((e) => e.name === 'retention.ms')?.value;
    const replicationFactor = autoReplicationFactor((await admin.brokerIds()).length);
    const configs = { [MIN_ISR]: String(autoMinInsyncReplicas(replicationFactor)), ...(retention ? { 'retention.ms': retention } : {}) };
    await admin.createTopics([{ name: parking, partitions, replicationFactor, configs }]);
  });
}

async function audit(conn: Connection, req: RedriveRequest, by: string, outcome: JobStatus, counts: { redriven: number; skipped: number; parked: number; remaining: number | null }): Promise<void> {
  await appendAudit(conn, {
    at: new Date().toISOString(),
    by,
    action: 'redrive',
    jobId: req.jobId,
    editId: null,
    dlq: req.topic,
    target: req.to ?? null,
    outcome,
    counts: { redriven: counts.redriven, skipped: counts.skipped, parked: counts.parked, remaining: counts.remaining },
  });
}

/** A state record outside the job's transactions (after a failure its producer may be unusable). */
async function connectedStateWrite(conn: Connection, state: JobState): Promise<void> {
  const m = jobStateMessage(state);
  await sendOnce(conn, 'streamflow-redrive-state', m.topic, [{ key: m.key!, value: m.value! }]);
}

function wanted(r: DeadLetterRecord, req: RedriveRequest): boolean {
  return matchesDlqFilters(r, req.filters) && (req.select?.(r) ?? true);
}

async function decide(r: DeadLetterRecord, req: RedriveRequest): Promise<RedriveDecision> {
  const valid = req.validator ? (await req.validator(r.value)).error === null : null;
  return decideRedrive(r, req, valid);
}

interface Checkpoint {
  /** The next DLQ offset to handle, per partition that has one. */
  offsets: Map<number, bigint>;
  /** Records the job sent from each of those partitions (null: not recorded). */
  redriven: Map<number, number | null>;
}

async function checkpointOf(session: ClusterSession, group: string, topic: string): Promise<Checkpoint> {
  const committed = (await session.groups.committed(group, [topic])).filter((c) => c.offset !== null);
  return {
    offsets: new Map(committed.map((c) => [c.partition, c.offset!])),
    redriven: new Map(committed.map((c) => [c.partition, redrivenOf(c.metadata)])),
  };
}

interface RunState {
  group: string;
  checkpoint: Checkpoint;
  spans: PartitionSpan[];
  /** Where the run stopped (or a plan would stop) in each partition. */
  reached: Map<number, bigint>;
  tally: RedriveTally;
  executed: boolean;
  interrupted: boolean;
}

async function summary(session: ClusterSession, req: RedriveRequest, run: RunState): Promise<RedriveSummary> {
  const t = run.tally;
  // What the run leaves for the next one: from where it stopped to the end it started from.
  const left = run.spans.map((s) => ({ partition: s.partition, from: run.reached.get(s.partition) ?? s.from, until: s.until }));
  const remaining = await new RecordCounter().count(session.records, req.topic, left);
  const earlier = [...run.checkpoint.redriven.values()];
  return {
    jobId: req.jobId,
    group: run.group,
    topic: req.topic,
    executed: run.executed,
    planned: t.planned,
    redriven: t.redriven,
    skipped: t.skipped,
    parked: t.parked,
    parkingTopic: req.parkingTopic ?? null,
    byTarget: t.byTarget,
    byErrorClass: t.byErrorClass,
    skippedBy: t.skippedBy,
    scanned: t.scanned,
    remaining: remaining.records,
    remainingOffsets: remaining.offsets,
    resumed: run.checkpoint.offsets.size > 0,
    previouslyRedriven: earlier.includes(null) ? null : (earlier as number[]).reduce((a, b) => a + b, 0),
    interrupted: run.interrupted,
    cancelledBy: null,
  };
}
