import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { BatchMetrics } from './batch-processor.js';
import type { ServiceName } from './types.js';

export interface PartitionMetrics {
  processed: number;
  lag: number;
}

export interface ServiceMetricsSnapshot extends BatchMetrics {
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
  readonly counters: BatchMetrics = { processed: 0, duplicates: 0, retried: 0, forwarded: 0, deadLettered: 0, parked: 0, released: 0 };
  private batches = 0;
  private batchMs = 0;
  private readonly partitions: Record<string, PartitionMetrics> = {};
  private readonly window: Array<[number, number]> = [];

  constructor(readonly service: ServiceName) {
    super();
  }

  recordBatch(topic: string, partition: number, records: number, ms: number, lag: number): void {
    this.batches++;
    this.batchMs += ms;
    const p = (this.partitions[`${topic}/${partition}`] ??= { processed: 0, lag: 0 });
    p.processed += records;
    p.lag = lag;
    this.window.push([Date.now(), records]);
    while (this.window.length > 0 && this.window[0]![0] < Date.now() - 10_000) this.window.shift();
    this.emit('update', this.snapshot());
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
  const counter = (name: string, help: string, pick: (s: ServiceMetricsSnapshot) => number, type = 'counter') => {
    lines.push(`# HELP streamflow_${name} ${help}`, `# TYPE streamflow_${name} ${type}`);
    for (const m of all) lines.push(`streamflow_${name}{service="${m.service}"} ${pick(m.snapshot())}`);
  };
  counter('processed_total', 'Events whose effects were applied', (s) => s.processed);
  counter('duplicates_total', 'Events skipped as already applied', (s) => s.duplicates);
  counter('retries_total', 'In-process retry attempts', (s) => s.retried);
  counter('retry_forwarded_total', 'Events sent to a retry topic', (s) => s.forwarded);
  counter('dead_lettered_total', 'Events sent to the DLQ', (s) => s.deadLettered);
  counter('parked_total', 'Events parked behind an unresolved event of their key', (s) => s.parked);
  counter('batch_latency_ms_avg', 'Mean batch latency', (s) => s.batchLatencyMsAvg, 'gauge');
  lines.push('# HELP streamflow_partition_lag Records behind the high watermark after the last batch', '# TYPE streamflow_partition_lag gauge');
  for (const m of all) {
    for (const [tp, p] of Object.entries(m.snapshot().partitions)) {
      const [topic, partition] = tp.split('/');
      lines.push(`streamflow_partition_lag{service="${m.service}",topic="${topic}",partition="${partition}"} ${p.lag}`);
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
