import { formatMs } from '../../lag/lag-thresholds.js';

/** 1,234 up to six digits, then 1.23M: counts must fit narrow columns. */
export function formatCount(n: number | null): string {
  if (n === null) return '-';
  if (Math.abs(n) < 1_000_000) return n.toLocaleString('en-US');
  if (Math.abs(n) < 1_000_000_000) return `${(n / 1_000_000).toFixed(2)}M`;
  return `${(n / 1_000_000_000).toFixed(2)}G`;
}

/** Records per second: '-' without two samples yet. */
export function formatRate(r: number | null): string {
  if (r === null) return '-';
  if (r === 0) return '0';
  if (r < 10) return r.toFixed(1);
  if (r < 10_000) return String(Math.round(r));
  return `${(r / 1000).toFixed(1)}k`;
}

export function formatDuration(ms: number | null): string {
  return ms === null ? '-' : ms === 0 ? '0s' : formatMs(ms);
}

/** A refresh interval as given: 2s, 500ms, 1.5s. */
export function formatInterval(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}

/** ETA of a lag: 0 is "caught up", null is "not shrinking". */
export function formatEta(ms: number | null, lag: number | null): string {
  if (lag === 0 || ms === 0) return 'caught up';
  return ms === null ? '-' : formatMs(ms);
}

/** HH:MM:SS in local time. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((x) => String(x).padStart(2, '0')).join(':');
}

/** The UTC date-time of an ISO string without the year and milliseconds: 05-01 12:00:03. */
export function formatShortTime(iso: string | null): string {
  return iso === null ? '-' : iso.slice(5, 19).replace('T', ' ');
}
