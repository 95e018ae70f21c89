/**
 * The counters of a reference service and their Prometheus names, defined once: the batch
 * processor counts them, prometheusText serves them, and the dashboard reads them back (live
 * or scraped).
 */

export const SERVICE_COUNTERS = ['processed', 'duplicates', 'retried', 'forwarded', 'deadLettered', 'parked', 'released'] as const;

export type ServiceCounter = (typeof SERVICE_COUNTERS)[number];

export type ServiceCounters = Record<ServiceCounter, number>;

export function zeroCounters(): ServiceCounters {
  return Object.fromEntries(SERVICE_COUNTERS.map((c) => [c, 0])) as ServiceCounters;
}

export interface MetricName {
  name: string;
  help: string;
}

/** The counters served to Prometheus (and shown by the dashboard); `released` is only in `consume`'s summary. */
export const COUNTER_METRICS = {
  processed: { name: 'streamflow_processed_total', help: 'Events whose effects were applied' },
  duplicates: { name: 'streamflow_duplicates_total', help: 'Events skipped as already applied' },
  retried: { name: 'streamflow_retries_total', help: 'In-process retry attempts' },
  forwarded: { name: 'streamflow_retry_forwarded_total', help: 'Events sent to a retry topic' },
  deadLettered: { name: 'streamflow_dead_lettered_total', help: 'Events sent to the DLQ' },
  parked: { name: 'streamflow_parked_total', help: 'Events parked behind an unresolved event of their key' },
} as const satisfies Partial<Record<ServiceCounter, MetricName>>;

export type ServedCounter = keyof typeof COUNTER_METRICS;

export const SERVED_COUNTERS = Object.keys(COUNTER_METRICS) as ServedCounter[];

/** Gauges, labelled by service (and topic and partition for the lag). */
export const BATCH_LATENCY_METRIC: MetricName = { name: 'streamflow_batch_latency_ms_avg', help: 'Mean batch latency' };
/** A histogram (cumulative `_bucket{le=...}`, `_sum`, `_count`): quantiles of several processes add up, averages do not. */
export const BATCH_LATENCY_HISTOGRAM: MetricName = { name: 'streamflow_batch_latency_ms', help: 'Batch latency, from fetch to committed transaction' };
export const BATCH_LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const;
/** How old a saga is when a service applies one of its events: from its first record written (streamflow.saga-started). */
export const SAGA_AGE_HISTOGRAM: MetricName = { name: 'streamflow_saga_age_seconds', help: 'Saga age at each applied event, from the saga\'s first record written' };
export const SAGA_AGE_MAX_METRIC: MetricName = { name: 'streamflow_saga_age_max_seconds', help: 'Worst saga age at an applied event since the service started' };
/** Kept in ms like the batch latency; served as seconds (`le="0.05"` .. `le="300"`). */
export const SAGA_AGE_BUCKETS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000] as const;
export const PARTITION_LAG_METRIC: MetricName = { name: 'streamflow_partition_lag', help: 'Records behind the high watermark after the last batch' };
