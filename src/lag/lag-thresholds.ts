import type { GroupLag } from './compute-lag.js';

export interface LagThresholds {
  /** --fail-above: a group's total lag in records. */
  maxRecords?: number;
  /** --fail-above-time: any partition's time lag. */
  maxLagMs?: number;
}

/** What is over a threshold, one line per group; empty when everything is within. */
export function lagBreaches(groups: GroupLag[], t: LagThresholds): string[] {
  const out: string[] = [];
  for (const g of groups) {
    if (t.maxRecords !== undefined && g.totalLag > t.maxRecords) out.push(`group ${g.group}: lag ${g.totalLag} records > ${t.maxRecords}`);
    if (t.maxLagMs !== undefined && g.maxLagMs !== null && g.maxLagMs > t.maxLagMs) out.push(`group ${g.group}: lag ${formatMs(g.maxLagMs)} > ${formatMs(t.maxLagMs)}`);
  }
  return out;
}

/** --only-lagging: partitions with lag > 0, and groups that still have some. */
export function onlyLagging(groups: GroupLag[]): GroupLag[] {
  return groups
    .map((g) => ({ ...g, partitions: g.partitions.filter((p) => p.lag !== null && p.lag > 0) }))
    .filter((g) => g.partitions.length > 0);
}

/** 950 ms, 12.3 s, 4m05s, 2h03m */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
