import { EventEmitter } from 'node:events';
import type http from 'node:http';
import { servePrometheus } from '../cli/prometheus-endpoint.js';
import {
  BATCH_LATENCY_BUCKETS_MS,
  BATCH_LATENCY_HISTOGRAM,
  BATCH_LATENCY_METRIC,
  COUNTER_METRICS,
  type MetricName,
  PARTITION_LAG_METRIC,
  SAGA_AGE_BUCKETS_MS,
  SAGA_AGE_HISTOGRAM,
  SAGA_AGE_MAX_METRIC,
  SERVED_COUNTERS,
  type ServiceCounters,
  zeroCounters,
} from './service-counters.js';
import type { ServiceName } from './types.js';

export interface PartitionMetrics {
  processed: number;
  lag: number;
}

export interface ServiceMetricsSnapshot extends ServiceCounters {
  service: ServiceName;
  batches: number;
  batchLatencyMsAvg: number;
  /** The worst saga age at an applied event so far (see SAGA_AGE_HISTOGRAM). */
  sagaAgeMaxMs: number;
  ratePerSec: number;
  partitions: Record<string, PartitionMetrics>;
}

/** Observations in ms: a count per bucket of `bounds` (not cumulative; the last one is +Inf), their sum, count and maximum. */
export class MsHistogram {
  private readonly counts: number[];
  sumMs = 0;
  count = 0;
  maxMs = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(ms: number): void {
    let i = 0;
    while (i < this.bounds.length && ms > this.bounds[i]!) i++;
    this.counts[i]!++;
    this.sumMs += ms;
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Cumulative counts per `le` bound, as Prometheus serves a histogram, in units of `unitMs`. */
  cumulative(unitMs: number): Array<{ le: string; count: number }> {
    let total = 0;
    return this.counts.map((n, i) => ({ le: i < this.bounds.length ? String(this.bounds[i]! / unitMs) : '+Inf', count: (total += n) }));
  }
}

/**
 * Counters of one service: the batch processor increments them, the dashboard listens to
 * 'update' events, and Prometheus scrapes them as text.
 */
export class ServiceMetrics extends EventEmitter {
  readonly counters: ServiceCounters = zeroCounters();
  readonly batchLatency = new MsHistogram(BATCH_LATENCY_BUCKETS_MS);
  readonly sagaAge = new MsHistogram(SAGA_AGE_BUCKETS_MS);
  private readonly partitions: Record<string, PartitionMetrics> = {};
  private readonly window: Array<[number, number]> = [];

  constructor(readonly service: ServiceName) {
    super();
  }

  recordBatch(topic: string, partition: number, records: number, ms: number, lag: number): void {
    this.batchLatency.observe(ms);
    const p = (this.partitions[`${topic}/${partition}`] ??= { processed: 0, lag: 0 });
    p.processed += records;
    p.lag = lag;
    this.window.push([Date.now(), records]);
    while (this.window.length > 0 && this.window[0]![0] < Date.now() - 10_000) this.window.shift();
    this.emit('update', this.snapshot());
  }

  /** The age of an applied event's saga; a clock behind the producer's counts as 0, an unreadable start not at all. */
  recordSagaAge(ms: number): void {
    if (!Number.isNaN(ms)) this.sagaAge.observe(Math.max(0, ms));
  }

  snapshot(): ServiceMetricsSnapshot {
    const inWindow = this.window.reduce((s, [, n]) => s + n, 0);
    return {
      service: this.service,
      ...this.counters,
      batches: this.batchLatency.count,
      batchLatencyMsAvg: this.batchLatency.count ? Math.round(this.batchLatency.sumMs / this.batchLatency.count) : 0,
      sagaAgeMaxMs: this.sagaAge.maxMs,
      ratePerSec: Math.round(inWindow / 10),
      partitions: { ...this.partitions },
    };
  }
}

/** Prometheus text exposition of every service's counters. */
export function prometheusText(all: ServiceMetrics[]): string {
  const lines: string[] = [];
  const header = (m: MetricName, type: 'counter' | 'gauge' | 'histogram') => lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${type}`);
  const perService = (m: MetricName, type: 'counter' | 'gauge', pick: (s: ServiceMetricsSnapshot) => number) => {
    header(m, type);
    for (const s of all) lines.push(`${m.name}{service="${s.service}"} ${pick(s.snapshot())}`);
  };
  const histogram = (m: MetricName, pick: (s: ServiceMetrics) => MsHistogram, unitMs: number) => {
    header(m, 'histogram');
    for (const s of all) {
      const h = pick(s);
      for (const b of h.cumulative(unitMs)) lines.push(`${m.name}_bucket{service="${s.service}",le="${b.le}"} ${b.count}`);
      lines.push(`${m.name}_sum{service="${s.service}"} ${h.sumMs / unitMs}`, `${m.name}_count{service="${s.service}"} ${h.count}`);
    }
  };
  for (const c of SERVED_COUNTERS) perService(COUNTER_METRICS[c], 'counter', (s) => s[c]);
  perService(BATCH_LATENCY_METRIC, 'gauge', (s) => s.batchLatencyMsAvg);
  histogram(BATCH_LATENCY_HISTOGRAM, (s) => s.batchLatency, 1);
  histogram(SAGA_AGE_HISTOGRAM, (s) => s.sagaAge, 1_000);
  perService(SAGA_AGE_MAX_METRIC, 'gauge', (s) => s.sagaAgeMaxMs / 1_000);
  header(PARTITION_LAG_METRIC, 'gauge');
  for (const m of all) {
    for (const [tp, p] of Object.entries(m.snapshot().partitions)) {
      const [topic, partition] = tp.split('/');
      lines.push(`${PARTITION_LAG_METRIC.name}{service="${m.service}",topic="${topic}",partition="${partition}"} ${p.lag}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Serve the services' metrics on 127.0.0.1:port/metrics (`consume --metrics-port`). */
export function serveMetrics(port: number, all: ServiceMetrics[]): Promise<http.Server> {
  return servePrometheus(port, '--metrics-port', () => prometheusText(all));
}
