import { BATCH_LATENCY_METRIC, COUNTER_METRICS, PARTITION_LAG_METRIC, SERVED_COUNTERS, type ServedCounter } from '../../runtime/service-counters.js';
import type { ServiceRow } from '../state/snapshots.js';

/** Metric names of prometheusText (src/runtime/service-metrics.ts) and the row field each fills. */
const FIELDS = new Map<string, keyof Omit<ServiceRow, 'service' | 'ratePerSec' | 'lag'>>([
  ...SERVED_COUNTERS.map((c) => [COUNTER_METRICS[c].name, c] as const),
  [BATCH_LATENCY_METRIC.name, 'batchLatencyMsAvg'],
]);

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
    const field = FIELDS.get(m[1]!);
    if (field) row[field] = value;
    else if (m[1] === PARTITION_LAG_METRIC.name) row.lag = (row.lag ?? 0) + value;
  }
  return [...rows.values()].sort((a, b) => a.service.localeCompare(b.service));
}

function emptyRow(service: string): ServiceRow {
  const counters = Object.fromEntries(SERVED_COUNTERS.map((c) => [c, 0])) as Pick<ServiceRow, ServedCounter>;
  return { service, ratePerSec: null, ...counters, batchLatencyMsAvg: null, lag: null };
}
