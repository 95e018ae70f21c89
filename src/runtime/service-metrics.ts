import { EventEmitter } from 'node:events';
import http from 'node:http';
import { BATCH_LATENCY_BUCKETS_MS, BATCH_LATENCY_HISTOGRAM, BATCH_LATENCY_METRIC, COUNTER_METRICS, type MetricName, PARTITION_LAG_METRIC, SERVED_COUNTERS, type ServiceCounters, zeroCounters } from './service-counters.js';
import type { ServiceName } from './types.js';

export interface PartitionMetrics {
  processed: number;
  lag: number;
}

export interface ServiceMetricsSnapshot extends ServiceCounters {
  service: ServiceName;
  batches: number;
  batchLatencyMsAvg: number;
  ratePerSec: number;
  partitions: Record<string, PartitionMetrics>;
}

/**
 * Counters of one service: the batch processor increments them, the dashboard listens to
 * 'update' events, and Prometheus scrapes them as text.
 */
export class ServiceMetrics extends EventEmitter {
  readonly counters: ServiceCounters = zeroCounters();
  private batches = 0;
  private batchMs = 0;
  /** Batches per bucket of BATCH_LATENCY_BUCKETS_MS (not cumulative; the last one is +Inf). */
  private readonly latencyBuckets: number[] = new Array<number>(BATCH_LATENCY_BUCKETS_MS.length + 1).fill(0);
  private readonly partitions: Record<string, PartitionMetrics> = {};
  private readonly window: Array<[number, number]> = [];

  constructor(readonly service: ServiceName) {
    super();
  }

  recordBatch(topic: string, partition: number, records: number, ms: number, lag: number): void {
    this.batches++;
    this.batchMs += ms;
    const bucket = BATCH_LATENCY_BUCKETS_MS.findIndex((le) => ms <= le);
    this.latencyBuckets[bucket < 0 ? BATCH_LATENCY_BUCKETS_MS.length : bucket]!++;
    const p = (this.partitions[`${topic}/${partition}`] ??= { processed: 0, lag: 0 });
    p.processed += records;
    p.lag = lag;
    this.window.push([Date.now(), records]);
    while (this.window.length > 0 && this.window[0]![0] < Date.now() - 10_000) this.window.shift();
    this.emit('update', this.snapshot());
  }

  /** Cumulative counts per `le` bound, as Prometheus serves a histogram. */
  latencyHistogram(): { buckets: Array<{ le: string; count: number }>; sumMs: number; count: number } {
    let cumulative = 0;
    const buckets = this.latencyBuckets.map((n, i) => ({ le: String(BATCH_LATENCY_BUCKETS_MS[i] ?? '+Inf'), count: (cumulative += n) }));
    return { buckets, sumMs: this.batchMs, count: this.batches };
  }

  snapshot(): ServiceMetricsSnapshot {
    const inWindow = this.window.reduce((s, [, n]) => s + n, 0);
    return {
      service: this.service,
      ...this.counters,
      batches: this.batches,
      batchLatencyMsAvg: this.batches ? Math.round(this.batchMs / this.batches) : 0,
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
  for (const c of SERVED_COUNTERS) perService(COUNTER_METRICS[c], 'counter', (s) => s[c]);
  perService(BATCH_LATENCY_METRIC, 'gauge', (s) => s.batchLatencyMsAvg);
  header(BATCH_LATENCY_HISTOGRAM, 'histogram');
  for (const m of all) {
    const h = m.latencyHistogram();
    for (const b of h.buckets) lines.push(`${BATCH_LATENCY_HISTOGRAM.name}_bucket{service="${m.service}",le="${b.le}"} ${b.count}`);
    lines.push(`${BATCH_LATENCY_HISTOGRAM.name}_sum{service="${m.service}"} ${h.sumMs}`, `${BATCH_LATENCY_HISTOGRAM.name}_count{service="${m.service}"} ${h.count}`);
  }
  header(PARTITION_LAG_METRIC, 'gauge');
  for (const m of all) {
    for (const [tp, p] of Object.entries(m.snapshot().partitions)) {
      const [topic, partition] = tp.split('/');
      lines.push(`${PARTITION_LAG_METRIC.name}{service="${m.service}",topic="${topic}",partition="${partition}"} ${p.lag}`);
    }
  }
  return lines.join('\n') + '\n';
}

export function serveMetrics(port: number, all: ServiceMetrics[]): http.Server {
  return http
    .createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(prometheusText(all));
    })
    .listen(port, '127.0.0.1');
}
