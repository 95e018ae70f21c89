import { parseArgs } from 'node:util';
import { parseDuration, parseRate } from '../../src/cli/flag-values.js';
import { UsageError } from '../../src/errors.js';
import { SERVICES } from '../../src/runtime/types.js';
import type { SoakReport } from './soak-run.js';
import { FLATNESS_RULE, minimumDurationMs } from './soak-verdict.js';

/** The seed's surge: 100,000 orders a minute. */
export const DEFAULTS = { rate: '1667/s', duration: '30m', window: '2m', sample: '10s', drainLimit: '10m' } as const;

export interface SoakArgs {
  /** Generator rate, records per second (steady). */
  ratePerSec: number;
  durationMs: number;
  /** The dedup window (`consume --dedup-ttl`). */
  windowSec: number;
  sampleMs: number;
  /** After the generator ends, how long the services may take to drain before verify. */
  drainLimitMs: number;
  /** A private stack with a Redis Cluster (3 masters, 3 replicas) instead of one Redis. */
  redisCluster: boolean;
  /** Run against the current context / STREAMFLOW_* env instead of a private stack. */
  useStack: boolean;
  out: string | undefined;
  json: boolean;
  /** The services log kafkajs' events (rebalances, retries) to their logs. */
  verbose: boolean;
}

/** `npm run test:soak -- [--rate R] [--duration D] [--window W] [--sample S] [--drain-limit D] [--redis-cluster | --use-stack] [--out DIR] [--json] [--verbose]`. */
export function parseSoakArgs(argv: string[]): SoakArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        rate: { type: 'string', default: DEFAULTS.rate },
        duration: { type: 'string', default: DEFAULTS.duration },
        window: { type: 'string', default: DEFAULTS.window },
        sample: { type: 'string', default: DEFAULTS.sample },
        'drain-limit': { type: 'string', default: DEFAULTS.drainLimit },
        'redis-cluster': { type: 'boolean', default: false },
        'use-stack': { type: 'boolean', default: false },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message, 'see `npm run test:soak -- --help` in the README (Soak)');
  }
  const windowMs = parseDuration(values.window, '--window');
  if (windowMs % 1000 !== 0) throw new UsageError(`--window must be a whole number of seconds, got "${values.window}"`);
  const durationMs = parseDuration(values.duration, '--duration');
  if (durationMs < minimumDurationMs(windowMs / 1000)) {
    const need = Math.ceil(minimumDurationMs(windowMs / 1000) / 1000);
    throw new UsageError(
      `--duration ${values.duration} is too short for --window ${values.window}: the window fills ${windowMs / 1000 + 62} s after the start and the verdict needs two more windows`,
      `give --duration ${need}s or more, or a shorter --window`,
    );
  }
  if (values['redis-cluster'] && values['use-stack']) throw new UsageError('--redis-cluster starts a private stack; --use-stack runs on the current one', 'drop one of them');
  return {
    ratePerSec: parseRate(values.rate, '--rate'),
    durationMs,
    windowSec: windowMs / 1000,
    sampleMs: parseDuration(values.sample, '--sample'),
    drainLimitMs: parseDuration(values['drain-limit'], '--drain-limit'),
    redisCluster: values['redis-cluster'],
    useStack: values['use-stack'],
    out: values.out,
    json: values.json,
    verbose: values.verbose,
  };
}

/** 0 when the soak passed, 130 when interrupted, else 1 (the failures say why). */
export function soakExitCode(r: Pick<SoakReport, 'ok' | 'interrupted'>): number {
  return r.interrupted ? 130 : r.ok ? 0 : 1;
}

const n = (v: number | null | undefined) => (v === null || v === undefined ? '-' : Math.round(v).toLocaleString('en-US'));

/** The summary a person reads (stdout without --json). */
export function renderSoakReport(r: SoakReport): string {
  const g = r.generator;
  const m = r.memory;
  const v = r.verify;
  const lines = [
    `Soak ${r.runId}: ${r.ok ? 'OK' : r.interrupted ? 'INTERRUPTED' : 'FAILED'} in ${(r.durationMs / 60_000).toFixed(1)} min (${r.stack} stack, store namespace ${r.storeNamespace})`,
    `  traffic        ${g ? `${n(g.created)} orders, ${n(g.sent)} records (${n(g.cancelled)} cancellations, ${n(g.duplicates)} duplicates, ${n(g.poison)} poison)` : 'none'}`,
    `  rate           ${g ? `${n(g.ratePerSec)}/s achieved of ${n(r.asked.ratePerSec)}/s asked (${r.rateRatio}x) for ${r.asked.durationSec} s` : '-'}`,
    `  memory         ${m.verdict.toUpperCase()}: ${m.reason}`,
    `    rule         ${FLATNESS_RULE}`,
    `    window       ${r.asked.windowSec} s; filled at ${(m.windowFilledAtMs / 1000).toFixed(0)} s (the run's first generation expired)`,
    `    held         ${m.heldAtFillMb ?? '-'} MB at the window fill, ${m.heldAtEndMb ?? '-'} MB at the end of traffic, over a baseline of ${m.baselineMb} MB; slope ${m.slopeBytesPerMin === null ? '-' : (m.slopeBytesPerMin / 1024 / 1024).toFixed(2)} MB/min`,
    `    per order    ${m.bytesPerOrderHeld === null ? '-' : `${n(m.bytesPerOrderHeld)} bytes across the four services (${n(m.ordersHeld)} orders held at the peak)`}`,
    `    audit        ${m.auditAtEndMb ?? '-'} MB of verify audit at the end (the run's effect counts: grows with the run, kept 6 h, left out of the rule)`,
    `  rss max MB     ${Object.entries(r.rssMaxMb).map(([p, mb]) => `${p} ${mb ?? '-'}`).join(', ')}`,
    `  lag            ${n(r.lag.atTrafficEnd)} records behind at the end of traffic; ${r.lag.drained ? `drained ${((r.lag.drainMs ?? 0) / 1000).toFixed(1)} s later` : `NOT drained within ${r.asked.drainLimitSec} s (${n(r.lag.atEnd)} behind)`}`,
    `  verify         ${v === null ? 'not run' : `${v.ok ? 'OK' : 'FAILED'}: ${v.services ? SERVICES.map((s) => `${s} ${v.services![s].missing}/${v.services![s].duplicated}`).join(', ') : '-'} missing/duplicated; DLQ ${v.dlq ? `${v.dlq.poisonFound}/${v.dlq.poisonExpected} poison, ${v.dlq.unexpected} unexpected` : '-'}; sagas ${v.saga ? `${n(v.saga.orders - v.saga.expired)} checked, ${n(v.saga.inconsistent)} inconsistent, ${n(v.saga.expired)} expired with the window` : '-'}`}`,
    `  files          ${r.files.plot} (and samples.json, samples.csv, report.json, logs in ${r.outDir})`,
    ...r.failures.map((f) => `  FAILED: ${f}`),
  ];
  return lines.join('\n') + '\n';
}
