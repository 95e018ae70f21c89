import { parseArgs } from 'node:util';
import { parseDuration, parseRate } from '../../src/cli/flag-values.js';
import { type ChaosReport, FAULT_KINDS, type FaultKind, runChaos } from './chaos-scenario.js';

/*
 * `npm run test:chaos [-- --rate 100000/min] [--duration 10m | --orders N] [--processes P]
 * [--redis-cluster] [--payment-stall 3s --stall-for 2m | --no-stall] [--caught-up 5s] [--json]`: the full chaos run. Progress
 * goes to stderr; the report to stdout (with --json exactly one JSON document). Exit 0 when
 * nothing was lost or applied twice, every poison record reached every DLQ, every saga is
 * consistent and every fault healed, its lag included; else 1.
 */

const DEFAULT_ORDERS = 100_000;
/**
 * Records written per order asked for: each order is one OrderCreated, and the generator adds
 * cancellations (5%), resent duplicates (1%) and poison (0.5%); the rest is margin, so the run
 * creates at least the orders asked for (the report counts the ones it did).
 */
const RECORDS_PER_ORDER = 1.08;
/** Every kind, consumer kills twice as often; repeated while the generator runs. */
const PLAN: FaultKind[] = ['consumer-sigkill', 'leader-broker-sigkill', 'rebalance-storm', 'consumer-sigkill', 'redis-sigkill', 'controller-sigkill', 'registry-stop'];

const { values } = parseArgs({
  options: {
    orders: { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    processes: { type: 'string', default: '2' },
    'redis-cluster': { type: 'boolean', default: false },
    'payment-stall': { type: 'string', default: '3s' },
    'no-stall': { type: 'boolean', default: false },
    'caught-up': { type: 'string', default: '5s' },
    'stall-for': { type: 'string', default: '2m' },
    seed: { type: 'string', default: '7' },
    'registry-stop': { type: 'string', default: '30' },
    faults: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
// The generator's record rate, as `produce checkout --rate` takes it (a bare number: per second).
const rate = values.rate === undefined ? 100 : /^[\d.]+$/.test(values.rate) ? Number(values.rate) : flag(() => parseRate(values.rate!, '--rate'));
if (!(rate > 0)) fail(`--rate must be a positive rate, e.g. 100000/min or 1667/s, got "${values.rate}"`);
if (values.orders !== undefined && values.duration !== undefined) fail('--orders and --duration do not go together: give one');
const orders = values.duration !== undefined ? Math.ceil((rate * flag(() => parseDuration(values.duration!, '--duration'))) / 1000 / RECORDS_PER_ORDER) : Number(values.orders ?? DEFAULT_ORDERS);
if (!Number.isSafeInteger(orders) || orders <= 0) fail(`--orders must be a positive integer, got "${values.orders}"`);
const processes = Number(values.processes);
if (!Number.isInteger(processes) || processes < 1) fail(`--processes must be a positive integer, got "${values.processes}"`);
const paymentStall = values['no-stall'] ? undefined : { ms: flag(() => parseDuration(values['payment-stall'], '--payment-stall')), forMs: flag(() => parseDuration(values['stall-for'], '--stall-for')) };

const plan = values.faults === undefined ? PLAN : values.faults.split(',').map((k) => k.trim() as FaultKind);
const unknown = plan.filter((k) => !FAULT_KINDS.includes(k));
if (unknown.length > 0 || plan.length === 0) fail(`--faults takes ${FAULT_KINDS.join(', ')}; got "${values.faults}"`);

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
// Ctrl-C tears the stack down before exiting.
const interrupt = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => interrupt.abort());
const options = {
  records: Math.ceil(orders * RECORDS_PER_ORDER),
  ratePerSec: rate,
  plan,
  repeatWhileProducing: true,
  registryStopMs: Number(values['registry-stop']) * 1000,
  seed: Number(values.seed),
  processes,
  redisCluster: values['redis-cluster'],
  caughtUpMs: flag(() => parseDuration(values['caught-up'], '--caught-up')),
  ...(paymentStall ? { paymentStall } : {}),
  keep: values.keep,
  signal: interrupt.signal,
  log,
};
runChaos({ ...options, ...(values.verbose ? { serviceArgs: ['--verbose'] } : {}) }).then(
  (report) => {
    process.stdout.write(values.json ? JSON.stringify(summary(report)) + '\n' : render(report));
    process.exitCode = report.ok && report.lost === 0 && report.duplicated === 0 ? 0 : 1;
  },
  (err: Error) => fail(`chaos run failed: ${err.stack ?? err.message}`),
);

/** The contract of --json: orders, ordersPerSec, faults, recoveryMs, lagRecoveryMs, worstEndToEndMs, lost, duplicated; then the details. */
function summary(r: ChaosReport) {
  const { orders, ordersPerSec, records, faults, recoveryMs, lagRecoveryMs, worstEndToEndMs, sagaAgeMaxMs, resentRecords, stallRecoveryMs, processes, lost, duplicated, ok, unexpectedExits, generatorRestarts, drained, durationMs, events } = r;
  const runs = r.runs.map((v) => ({ runId: v.runId, ok: v.ok, dlq: { poisonExpected: v.dlq.poisonExpected, poisonFound: v.dlq.poisonFound, unexpected: v.dlq.unexpected }, saga: { orders: v.saga.orders, inconsistent: v.saga.inconsistent } }));
  return { orders, ordersPerSec, faults, recoveryMs, lagRecoveryMs, worstEndToEndMs, lost, duplicated, ok, records, resentRecords, processes, stallRecoveryMs, sagaAgeMaxMs, runs, unexpectedExits, generatorRestarts, drained, durationMs, events };
}

function render(r: ChaosReport): string {
  const kinds = FAULT_KINDS.filter((k) => r.faults[k]);
  const sum = (pick: (v: ChaosReport['runs'][number]) => number) => r.runs.reduce((n, v) => n + pick(v), 0);
  return [
    `Chaos run ${r.runs.map((v) => v.runId).join(' + ')}: ${r.ok && r.lost === 0 && r.duplicated === 0 ? 'OK' : 'FAILED'} in ${(r.durationMs / 1000).toFixed(0)} s`,
    `  orders            ${r.orders} (${r.ordersPerSec}/s sustained; ${r.processes} process(es) per service)`,
    `  worst end to end  ${(r.worstEndToEndMs / 1000).toFixed(1)} s (order written to notification applied)${r.stallRecoveryMs === null ? '' : `; payment stall drained after ${(r.stallRecoveryMs / 1000).toFixed(1)} s`}`,
    `  re-sent records   ${r.resentRecords} (written twice by the at-least-once generator, absorbed by the dedup store)`,
    `  records written   ${r.records} (${r.produced.reduce((n, c) => n + c.poison, 0)} poison, ${r.produced.reduce((n, c) => n + c.duplicates, 0)} duplicates)`,
    `  lost / duplicated ${r.lost} / ${r.duplicated}`,
    `  poison in DLQs    ${sum((v) => v.dlq.poisonFound)}/${sum((v) => v.dlq.poisonExpected)} (unexpected ${sum((v) => v.dlq.unexpected)})`,
    `  sagas             ${sum((v) => v.saga.orders)} orders, ${sum((v) => v.saga.inconsistent)} inconsistent`,
    `  process exits     ${r.unexpectedExits} consumer, ${r.generatorRestarts} generator (continued); ${r.drained} records left for the final drain`,
    ...r.runs.flatMap((v) => [
      ...Object.entries(v.services).filter(([, s]) => s.examples.length > 0).map(([name, s]) => `  ${name}: ${s.missing} missing, ${s.duplicated} duplicated, e.g. ${s.examples.join('; ')}`),
      ...(v.saga.examples.length > 0 ? [`  sagas: ${v.saga.examples.join('; ')}`] : []),
    ]),
    '  fault                   count  worst recovery  worst lag recovery',
    ...kinds.map((k) => `    ${k.padEnd(22)}${String(r.faults[k]).padStart(5)}  ${seconds(r.recoveryMs[k]).padStart(14)}  ${seconds(r.lagRecoveryMs[k]).padStart(18)}`),
    '',
  ].join('\n');
}

function seconds(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`;
}

/** A flag parser's UsageError as this script's usage failure. */
function flag<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    return fail((err as Error).message);
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
