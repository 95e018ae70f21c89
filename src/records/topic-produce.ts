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
): Promise<ProduceSummary> {
  const summary: ProduceSummary = { topic: req.topic, valid: 0, sent: 0, refused: [], stoppedAtLine: null, partitions: {}, schemas: [], validateOnly: req.validateOnly, interrupted: false };
  const schemaCounts = new Map<string, ProduceSummary['schemas'][number]>();
  let pending: AnyRecord[] = [];
  let inFlight: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;

  const drain = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      await send(batch);
      summary.sent += batch.length;
      // JavaCompatiblePartitioner pins each record's partition on it.
      for (const r of batch) summary.partitions[String(r.partition)] = (summary.partitions[String(r.partition)] ?? 0) + 1;
    }
  };
  const startSending = () => {
    inFlight ??= drain()
      .catch((error: unknown) => void (failure = { error }))
      .finally(() => (inFlight = null));
  };

  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (failure) break;
    if (text.trim() === '') continue;
    let record: AnyRecord;
    try {
      record = await toRecord(parseProduceLine(text, lineNo, req.defaults), encoder, req.partitionCount, schemaCounts);
    } catch (err) {
      if (!(err instanceof LineRefusal)) throw err;
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
  if (!failure && pending.length > 0) await drain().catch((error: unknown) => void (failure = { error }));
  if (failure) throw (failure as { error: unknown }).error;
  summary.interrupted = signal.aborted;
  summary.schemas = [...schemaCounts.values()];
  return summary;
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
