import type { AnyRecord } from '../kafka/producer.js';
import { type LineDefaults, LineRefusal, type ProduceLine, parseProduceLine } from './produce-lines.js';
import type { RecordEncoder } from './record-encoding.js';

export interface ProduceRequest {
  topic: string;
  partitionCount: number;
  defaults: LineDefaults;
  /** Refuse a bad line and go on (else nothing after it is sent). */
  skipInvalid: boolean;
  /** Check every line and send none. */
  validateOnly: boolean;
}

export interface Refusal {
  line: number;
  path: string;
  reason: string;
}

export interface ProduceSummary {
  topic: string;
  /** Records that were (or, validating only, would be) sent. */
  valid: number;
  sent: number;
  refused: Refusal[];
  /** The refused line that ended the run (without --skip-invalid); null when all input was read. */
  stoppedAtLine: number | null;
  /** Records sent per partition. */
  partitions: Record<string, number>;
  /** The schemas Avro keys and values were encoded with, and how many records each. */
  schemas: Array<{ subject: string; version: number; id: number; records: number }>;
  validateOnly: boolean;
  interrupted: boolean;
  /**
   * What ended the run other than a refused line: an error encoding line `line` (a subject not
   * registered, the registry unreachable) or a send that failed (line null; its `inDoubt`
   * records may or may not have been written). `sent` counts what was acknowledged before it.
   */
  failure: { line: number | null; message: string; inDoubt: number } | null;
}

/** The summary, and the error that ended the run (`summary.failure`) for the command to exit with. */
export interface ProduceOutcome {
  summary: ProduceSummary;
  error?: unknown;
}

/** Records wait in memory for the send in flight up to this many; reading pauses beyond it. */
const MAX_PENDING = 5_000;

/**
 * Validate and send lines in order: each becomes a record, or a refusal with its line number
 * and field path, after which nothing more is sent unless `skipInvalid`. One send is in flight
 * at a time and takes every record validated meanwhile, so a pipe is sent in large batches and
 * a line typed by hand goes out at once. A stop (Ctrl-C) still sends what was read and validated.
 */
export async function produceTopic(
  lines: AsyncIterable<string> | Iterable<string>,
  encoder: RecordEncoder,
  send: (records: AnyRecord[]) => Promise<void>,
  req: ProduceRequest,
  signal: AbortSignal,
): Promise<ProduceOutcome> {
  const summary: ProduceSummary = { topic: req.topic, valid: 0, sent: 0, refused: [], stoppedAtLine: null, partitions: {}, schemas: [], validateOnly: req.validateOnly, interrupted: false, failure: null };
  const schemaCounts = new Map<string, ProduceSummary['schemas'][number]>();
  let pending: AnyRecord[] = [];
  let inFlight: Promise<void> | null = null;
  // A failed send ends the run and nothing is sent after it (records stay in order); a line that
  // fails to encode ends the reading, and what was validated before it is still sent.
  const failed: { send?: { error: unknown; inDoubt: number }; line?: { error: unknown; line: number } } = {};

  const drain = async () => {
    while (pending.length > 0 && !failed.send) {
      const batch = pending;
      pending = [];
      try {
        await send(batch);
      } catch (error) {
        failed.send = { error, inDoubt: batch.length };
        return;
      }
      summary.sent += batch.length;
      // JavaCompatiblePartitioner pins each record's partition on it.
      for (const r of batch) summary.partitions[String(r.partition)] = (summary.partitions[String(r.partition)] ?? 0) + 1;
    }
  };
  const startSending = () => {
    inFlight ??= drain().finally(() => (inFlight = null));
  };

  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (failed.send) break;
    if (text.trim() === '') continue;
    let record: AnyRecord;
    try {
      record = await toRecord(parseProduceLine(text, lineNo, req.defaults), encoder, req.partitionCount, schemaCounts);
    } catch (err) {
      if (!(err instanceof LineRefusal)) {
        failed.line = { error: err, line: lineNo };
        break;
      }
      summary.refused.push({ line: err.line, path: err.path, reason: err.reason });
      if (req.skipInvalid) continue;
      summary.stoppedAtLine = lineNo;
      break;
    }
    summary.valid++;
    if (req.validateOnly) continue;
    pending.push(record);
    startSending();
    if (pending.length >= MAX_PENDING) await inFlight;
  }
  while (inFlight) await inFlight;
  await drain();
  const failure = failed.send ? { line: null, ...failed.send } : failed.line ? { ...failed.line, inDoubt: 0 } : undefined;
  if (failure) summary.failure = { line: failure.line, message: failure.error instanceof Error ? failure.error.message : String(failure.error), inDoubt: failure.inDoubt };
  summary.interrupted = signal.aborted;
  summary.schemas = [...schemaCounts.values()];
  return failure ? { summary, error: failure.error } : { summary };
}

async function toRecord(line: ProduceLine, encoder: RecordEncoder, partitionCount: number, schemaCounts: Map<string, ProduceSummary['schemas'][number]>): Promise<AnyRecord> {
  if (line.partition !== undefined && line.partition >= partitionCount) {
    throw new LineRefusal(line.line, 'partition', `the topic has partitions 0-${partitionCount - 1}, not ${line.partition} (--ignore-partition lets the key choose)`);
  }
  const key = await encoder.encode('key', line.key, line.line);
  const value = await encoder.encode('value', line.value, line.line);
  for (const { schema } of [key, value]) {
    if (!schema) continue;
    const id = `${schema.subject}\u0000${schema.version}`;
    const counted = schemaCounts.get(id) ?? { subject: schema.subject, version: schema.version, id: schema.id, records: 0 };
    counted.records++;
    schemaCounts.set(id, counted);
  }
  const record: AnyRecord = { key: key.bytes, value: value.bytes, headers: line.headers };
  if (line.partition !== undefined) record.partition = line.partition;
  if (line.timestamp !== undefined) record.timestamp = String(line.timestamp);
  return record;
}
