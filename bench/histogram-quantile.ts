/**
 * The q-quantile of a cumulative histogram (buckets sorted by upper bound, the last +Inf),
 * interpolated linearly within its bucket as Prometheus' histogram_quantile does; a quantile
 * in the +Inf bucket is reported as the highest finite bound. null without observations.
 */
export function histogramQuantile(buckets: Array<{ le: number; count: number }>, q: number): number | null {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lower;
      return lower + ((b.le - lower) * (rank - below)) / Math.max(1, b.count - below);
    }
    lower = b.le;
    below = b.count;
  }
  return lower;
}

/** Several processes' histograms (same bounds) as one: counts add up. */
export function mergeHistograms(histograms: Array<Array<{ le: number; count: number }>>): Array<{ le: number; count: number }> {
  const merged = new Map<number, number>();
  for (const h of histograms) for (const b of h) merged.set(b.le, (merged.get(b.le) ?? 0) + b.count);
  return [...merged].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count }));
}
