/** A topic's deletion settings: null where it does not delete that way (-1, or cleanup.policy compact only). */
export interface RetentionPolicy {
  retentionMs: number | null;
  retentionBytes: number | null;
}

/** What is known of a lagging partition when its risk is judged. */
export interface PartitionAtRisk {
  takenAt: number;
  /** Timestamp of the first unconsumed record; null if unknown. */
  firstUnconsumedTimestamp: number | null;
  /** Offset of the first unconsumed record (the committed offset, or the log start past it). */
  firstUnconsumed: bigint;
  logStart: bigint;
  end: bigint;
  /** Bytes the partition holds on its leader; undefined if unknown. */
  sizeBytes?: bigint;
  /** Records appended per second through the window; null if unknown. */
  appendRatePerSec: number | null;
}

/**
 * Time until retention deletes the first unconsumed record, the sooner of the two policies:
 * retention.ms deletes it once it is that old; retention.bytes once the bytes from it to the
 * end exceed the limit, reached at the current append rate (bytes estimated from the
 * partition's average record size). Both are estimates at the soonest: Kafka deletes whole
 * segments, never the active one, on its retention check interval. Null when neither applies.
 */
export function retentionRiskMs(policy: RetentionPolicy, p: PartitionAtRisk): number | null {
  const risks: number[] = [];
  if (policy.retentionMs !== null && p.firstUnconsumedTimestamp !== null) risks.push(Math.max(0, p.firstUnconsumedTimestamp + policy.retentionMs - p.takenAt));
  const bySize = policy.retentionBytes === null ? null : sizeRisk(policy.retentionBytes, p);
  if (bySize !== null) risks.push(bySize);
  return risks.length ? Math.min(...risks) : null;
}

function sizeRisk(retentionBytes: number, p: PartitionAtRisk): number | null {
  const records = Number(p.end - p.logStart);
  if (p.sizeBytes === undefined || records <= 0) return null;
  const recordBytes = Number(p.sizeBytes) / records;
  const headroom = retentionBytes - Number(p.end - p.firstUnconsumed) * recordBytes;
  if (headroom <= 0) return 0;
  if (p.appendRatePerSec === null || p.appendRatePerSec <= 0) return null;
  return Math.round((headroom / (p.appendRatePerSec * recordBytes)) * 1000);
}
