/** One partition of a group, as fetched at one moment. */
export interface PartitionSample {
  topic: string;
  partition: number;
  /** null: the group has no committed offset for this partition. */
  committed: bigint | null;
  /** Log end offset. */
  end: bigint;
  /** Timestamp (epoch ms) of the first record the group has not consumed; null when not lagging or unknown. */
  nextRecordTimestamp: number | null;
  /** The unconsumed offsets hold only transaction markers or aborted records: nothing left to consume. */
  onlyMarkersPending?: boolean;
}

/** A group's offsets at one moment: what fetchLagSnapshot returns and what the history keeps. */
export interface GroupSample {
  group: string;
  state: string;
  members: number;
  /** Epoch ms when the offsets were read. */
  takenAt: number;
  partitions: PartitionSample[];
}

export interface PartitionLag {
  topic: string;
  partition: number;
  committed: string | null;
  end: string;
  /** Records not consumed yet; null without a committed offset. */
  lag: number | null;
  /** Now minus the timestamp of the first unconsumed record; 0 without lag (or when only transaction markers are left). */
  lagMs: number | null;
  /** Records consumed per second over the sample window; null with one sample. */
  rate: number | null;
  /** Time until lag reaches zero at the current consumption and production rates; null if it is not shrinking. */
  etaMs: number | null;
}

export interface GroupLag {
  group: string;
  state: string;
  members: number;
  totalLag: number;
  maxLagMs: number | null;
  rate: number | null;
  etaMs: number | null;
  partitions: PartitionLag[];
}

/**
 * Lag of a group from its latest sample and earlier samples of the same group (oldest first).
 * Rates compare the latest sample with the oldest one given, so callers choose the window.
 */
export function computeLag(current: GroupSample, history: GroupSample[] = []): GroupLag {
  const baseline = history.find((h) => h.group === current.group && h.takenAt < current.takenAt);
  // Samples of a group list its partitions in the same order: matched by index, else by name.
  const aligned = baseline !== undefined && samePartitions(baseline.partitions, current.partitions);
  const before = aligned ? undefined : new Map(baseline?.partitions.map((p) => [`${p.topic}:${p.partition}`, p]));
  const seconds = baseline ? (current.takenAt - baseline.takenAt) / 1000 : 0;

  const partitions = current.partitions.map((p, i): PartitionLag => {
    const lag = p.committed === null ? null : Number(p.end > p.committed ? p.end - p.committed : 0n);
    const nothingToConsume = lag === 0 || (lag !== null && p.onlyMarkersPending === true);
    const lagMs = lag === null ? null : nothingToConsume ? 0 : p.nextRecordTimestamp === null ? null : Math.max(0, current.takenAt - p.nextRecordTimestamp);
    const prev = aligned ? baseline.partitions[i] : before!.get(`${p.topic}:${p.partition}`);
    let rate: number | null = null;
    let etaMs: number | null = nothingToConsume ? 0 : null;
    if (prev && seconds > 0 && p.committed !== null && prev.committed !== null) {
      rate = round(Math.max(0, Number(p.committed - prev.committed)) / seconds);
      const produced = Number(p.end - prev.end) / seconds;
      const shrinking = rate - produced;
      if (!nothingToConsume && lag !== null && shrinking > 0) etaMs = Math.round((lag / shrinking) * 1000);
    }
    return { topic: p.topic, partition: p.partition, committed: p.committed?.toString() ?? null, end: p.end.toString(), lag, lagMs, rate, etaMs };
  });

  const lagging = partitions.filter((p) => p.lag !== null && p.lag > 0);
  const rates = partitions.map((p) => p.rate).filter((r): r is number => r !== null);
  const lagTimes = partitions.map((p) => p.lagMs).filter((t): t is number => t !== null);
  return {
    group: current.group,
    state: current.state,
    members: current.members,
    totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
    maxLagMs: lagTimes.length ? Math.max(...lagTimes) : null,
    rate: rates.length ? round(rates.reduce((a, b) => a + b, 0)) : null,
    // The group is caught up when its slowest partition is.
    etaMs: lagging.length === 0 ? 0 : lagging.some((p) => p.etaMs === null) ? null : Math.max(...lagging.map((p) => p.etaMs!)),
    partitions,
  };
}

/** The same topic-partitions in the same order. */
export function samePartitions(a: ReadonlyArray<{ topic: string; partition: number }>, b: ReadonlyArray<{ topic: string; partition: number }>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.partition !== b[i]!.partition || a[i]!.topic !== b[i]!.topic) return false;
  return true;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
