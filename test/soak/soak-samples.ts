import { SERVICES, type ServiceName } from '../../src/runtime/types.js';

/** The processes a soak runs and samples: the generator and the four services, one each. */
export const SOAK_PROCESSES = ['generator', ...SERVICES] as const;
export type SoakProcess = (typeof SOAK_PROCESSES)[number];

/** One sample of a soak run (see soak-sampler.ts for where each figure comes from). */
export interface SoakSample {
  /** ms after the generator was started; the baseline, taken before it, is negative. */
  t: number;
  phase: 'baseline' | 'traffic' | 'drain';
  /** Records the generator had written and Kafka acknowledged (its manifest: valid + poison; resent duplicates not counted). */
  sent: number;
  /** Of which OrderCreated: the orders. */
  created: number;
  /** Redis INFO used_memory, summed over the masters of a cluster. */
  redisBytes: number;
  /** MEMORY USAGE of this run's verify audit (its per-event effect counts), within redisBytes. */
  auditBytes: number;
  /** DBSIZE, summed over the masters. */
  redisKeys: number;
  /** VmRSS of each process (null once it exited). */
  rssBytes: Record<SoakProcess, number | null>;
  /** Per service: records its groups (main and retry stages) have yet to consume. */
  lag: Record<ServiceName, number>;
  /** Per service: records handled so far (every outcome counts), from its /metrics; null if it did not answer. */
  handled: Record<ServiceName, number | null>;
  /** Per service: of which skipped as already applied (redeliveries and resent duplicates). */
  duplicates: Record<ServiceName, number | null>;
}

/**
 * What the dedup window bounds: Redis memory less the verify audit. The audit (how often each
 * event of a generator run was applied, kept 6 hours for `verify`) grows with the run by
 * design; a deployment's events carry no run id and have none.
 */
export function stateBytes(s: SoakSample): number {
  return s.redisBytes - s.auditBytes;
}

export function totalLag(s: SoakSample): number {
  return SERVICES.reduce((n, svc) => n + s.lag[svc], 0);
}

const MB = 1024 * 1024;
export const toMb = (bytes: number) => Math.round((bytes / MB) * 10) / 10;

/** One line per sample for the terminal. */
export function formatSample(s: SoakSample, previous: SoakSample | undefined): string {
  const rate = previous && s.t > previous.t ? Math.round(((s.sent - previous.sent) * 1000) / (s.t - previous.t)) : 0;
  const rss = SOAK_PROCESSES.map((p) => `${SHORT[p]} ${s.rssBytes[p] === null ? '-' : Math.round(s.rssBytes[p] / MB)}`).join(' ');
  return [
    `${(s.t / 1000).toFixed(0).padStart(6)}s ${s.phase.padEnd(8)}`,
    `sent ${s.sent.toLocaleString('en-US').padStart(9)} (${rate.toLocaleString('en-US')}/s)`,
    `redis ${toMb(s.redisBytes).toFixed(1)} MB (state ${toMb(stateBytes(s)).toFixed(1)}, audit ${toMb(s.auditBytes).toFixed(1)}, ${s.redisKeys.toLocaleString('en-US')} keys)`,
    `lag ${totalLag(s).toLocaleString('en-US')} (${SERVICES.map((svc) => s.lag[svc]).join('/')})`,
    `rss MB ${rss}`,
  ].join('  ');
}

const SHORT: Record<SoakProcess, string> = { generator: 'gen', payment: 'pay', inventory: 'inv', shipping: 'ship', notification: 'notif' };

/** samples.csv: one row per sample, bytes and records as integers. */
export function samplesCsv(samples: SoakSample[]): string {
  const head = [
    't_s',
    'phase',
    'sent',
    'created',
    'redis_used_bytes',
    'audit_bytes',
    'state_bytes',
    'redis_keys',
    ...SOAK_PROCESSES.map((p) => `rss_${p}_bytes`),
    ...SERVICES.map((s) => `lag_${s}`),
    'lag_total',
    ...SERVICES.map((s) => `handled_${s}`),
    ...SERVICES.map((s) => `duplicates_${s}`),
  ];
  const rows = samples.map((s) =>
    [
      (s.t / 1000).toFixed(1),
      s.phase,
      s.sent,
      s.created,
      s.redisBytes,
      s.auditBytes,
      stateBytes(s),
      s.redisKeys,
      ...SOAK_PROCESSES.map((p) => s.rssBytes[p] ?? ''),
      ...SERVICES.map((svc) => s.lag[svc]),
      totalLag(s),
      ...SERVICES.map((svc) => s.handled[svc] ?? ''),
      ...SERVICES.map((svc) => s.duplicates[svc] ?? ''),
    ].join(','),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}
