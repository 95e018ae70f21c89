import type { DeadLetterRecord } from './dead-letter-record.js';

/** DLQ topic names by convention: `.dlq`, `-dlq`, Spring's `-dlt` and older `.DLT` (any case). */
export function isDlqTopicName(name: string): boolean {
  return /[.-](dlq|dlt)$/i.test(name);
}

export interface DlqSummary {
  topic: string;
  /** Records held: the sum over partitions of end - start. */
  depth: number;
  /** Timestamps of the oldest and newest records, ISO; null when empty. */
  oldest: string | null;
  newest: string | null;
  /** Error classes in the sample, most frequent first. */
  errors: Record<string, number>;
  /** How many records the error counts come from (the newest ones of each partition). */
  sampled: number;
}

/** Summarize a DLQ from its offsets, the oldest record of each partition and a sample of the newest. */
export function summarizeDlq(
  topic: string,
  ranges: Array<{ earliest: bigint; latest: bigint }>,
  oldestRecords: Array<{ timestamp: number }>,
  sample: DeadLetterRecord[],
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
    depth: ranges.reduce((sum, r) => sum + Number(r.latest - r.earliest), 0),
    oldest: oldest === null ? null : new Date(oldest).toISOString(),
    newest: newest === null ? null : new Date(newest).toISOString(),
    errors: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))),
    sampled: sample.length,
  };
}
