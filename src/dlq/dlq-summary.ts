import type { RecordCount } from '../topics/record-count.js';
import type { DeadLetterRecord } from './dead-letter-record.js';

/** DLQ topic names by convention: `.dlq`, `-dlq`, Spring's `-dlt` and older `.DLT` (any case). */
export function isDlqTopicName(name: string): boolean {
  return /[.-](dlq|dlt)$/i.test(name);
}

export interface DlqSummary {
  topic: string;
  /** Records held, as a read_committed reader counts them; null when not counted (over the count limit). */
  depth: number | null;
  /** Offsets the partitions span (end − start): records plus transaction markers, aborted and compacted-away records. */
  offsets: number;
  /** Timestamps of the oldest and newest records, ISO; null when empty. */
  oldest: string | null;
  newest: string | null;
  /** Error classes in the sample, most frequent first. */
  errors: Record<string, number>;
  /** How many records the error counts come from (the newest of the topic). */
  sampled: number;
  /** Records in its parking topic (`<topic>.parking`: those `dlq redrive` gave up on); 0 without one, null when not counted. */
  parked: number | null;
}

/** Summarize a DLQ from its record count, the oldest record of each partition, a sample of the newest and its parking topic's count. */
export function summarizeDlq(
  topic: string,
  count: Pick<RecordCount, 'records' | 'offsets'>,
  oldestRecords: Array<{ timestamp: number }>,
  sample: DeadLetterRecord[],
  parked: number | null = 0,
): DlqSummary {
  const counts = new Map<string, number>();
  for (const r of sample) {
    const c = r.envelope.error.class ?? 'unknown';
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const oldest = oldestRecords.length ? Math.min(...oldestRecords.map((r) => r.timestamp)) : null;
  const newest = sample.length ? Math.max(...sample.map((r) => r.timestamp)) : null;
  return {
    topic,
    depth: count.records,
    offsets: count.offsets,
    oldest: oldest === null ? null : new Date(oldest).toISOString(),
    newest: newest === null ? null : new Date(newest).toISOString(),
    errors: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    sampled: sample.length,
    parked,
  };
}

/** The `n` newest records by timestamp (ties: the later offset), newest first. */
export function newestRecords<R extends { timestamp: number; partition: number; offset: bigint }>(records: R[], n: number): R[] {
  const order = (a: R, b: R) => b.timestamp - a.timestamp || (b.offset > a.offset ? 1 : b.offset < a.offset ? -1 : a.partition - b.partition);
  return [...records].sort(order).slice(0, n);
}
