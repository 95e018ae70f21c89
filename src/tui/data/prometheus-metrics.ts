import type { ServiceRow } from '../state/snapshots.js';

/** Metric names of prometheusText (src/runtime/service-metrics.ts) and the row field each fills. */
const FIELDS: Record<string, keyof Omit<ServiceRow, 'service' | 'ratePerSec' | 'lag'>> = {
  streamflow_processed_total: 'processed',
  streamflow_duplicates_total: 'duplicates',
  streamflow_retries_total: 'retried',
  streamflow_retry_forwarded_total: 'forwarded',
  streamflow_dead_lettered_total: 'deadLettered',
  streamflow_parked_total: 'parked',
  streamflow_batch_latency_ms_avg: 'batchLatencyMsAvg',
};

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * The reference services' counters from the Prometheus text the runtime serves. Rates are not
 * in the text: the reducer derives them from two scrapes. Unknown metrics are ignored.
 */
export function parseServiceMetrics(text: string): ServiceRow[] {
  const rows = new Map<string, ServiceRow>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = SAMPLE.exec(line.trim());
    if (!m) continue;
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1]!, l[2]!.replace(/\\(.)/g, '$1')]));
    const service = labels.service;
    const value = Number(m[3]);
    if (service === undefined || !Number.isFinite(value)) continue;
    const row = rows.get(service) ?? emptyRow(service);
    rows.set(service, row);
    const field = FIELDS[m[1]!];
    if (field) row[field] = value;
    else if (m[1] === 'streamflow_partition_lag') row.lag = (row.lag ?? 0) + value;
  }
  return [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
}

function emptyRow(service: string): ServiceRow {
  return { service, ratePerSec: null, processed: 0, duplicates: 0, retried: 0, forwarded: 0, deadLettered: 0, parked: 0, batchLatencyMsAvg: null, lag: null };
}
