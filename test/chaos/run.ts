import { parseArgs } from 'node:util';
import { type ChaosReport, FAULT_KINDS, type FaultKind, runChaos } from './chaos-scenario.js';

/*
 * `npm run test:chaos [-- --orders N] [--rate R] [--json]`: the full chaos run. Progress goes
 * to stderr; the report to stdout (with --json exactly one JSON document). Exit 0 when nothing
 * was lost or applied twice, every poison record reached every DLQ, every saga is consistent
 * and every fault healed; else 1.
 */

const DEFAULT_ORDERS = 100_000;
/**
 * Records written per order asked for: each order is one OrderCreated, and the generator adds
 * cancellations (5%), resent duplicates (1%) and poison (0.5%); the rest is margin, so the run
 * creates at least the orders asked for (the report counts the ones it did).
 */
const RECORDS_PER_ORDER = 1.08;
/** Every kind, consumer kills twice as often; repeated while the generator runs. */
const PLAN: FaultKind[] = ['consumer-sigkill', 'leader-broker-sigkill', 'consumer-sigkill', 'redis-sigkill', 'controller-sigkill', 'registry-stop'];

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: String(DEFAULT_ORDERS) },
    rate: { type: 'string' },
    seed: { type: 'string', default: '7' },
    'registry-stop': { type: 'string', default: '30' },
    faults: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const orders = Number(values.orders);
if (!Number.isSafeInteger(orders) || orders <= 0) fail(`--orders must be a positive integer, got "${values.orders}"`);
// Slow enough that the services keep up through the faults on a 2-core machine; faults repeat
// for as long as the generator runs (100,000 orders: about 18 minutes).
const rate = values.rate !== undefined ? Number(values.rate) : 100;
if (!(rate > 0)) fail(`--rate must be a positive number of records per second, got "${values.rate}"`);

const plan = values.faults === undefined ? PLAN : values.faults.split(',').map((k) => k.trim() as FaultKind);
const unknown = plan.filter((k) => !FAULT_KINDS.includes(k));
if (unknown.length > 0 || plan.length === 0) fail(`--faults takes ${FAULT_KINDS.join(', ')}; got "${values.faults}"`);

const log = (m: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${m}\n`);
// Ctrl-C tears the stack down before exiting.
const interrupt = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => interrupt.abort());
const options = { records: Math.ceil(orders * RECORDS_PER_ORDER), ratePerSec: rate, plan, repeatWhileProducing: true, registryStopMs: Number(values['registry-stop']) * 1000, seed: Number(values.seed), keep: values.keep, signal: interrupt.signal, log };
runChaos({ ...options, ...(values.verbose ? { serviceArgs: ['--verbose'] } : {}) }).then(
  (report) => {
    process.stdout.write(values.json ? JSON.stringify(summary(report)) + '\n' : render(report));
    process.exitCode = report.ok && report.lost === 0 && report.duplicated === 0 ? 0 : 1;
  },
  (err: Error) => fail(`chaos run failed: ${err.stack ?? err.message}`),
);

/** The contract of --json: orders, faults, recoveryMs, lost, duplicated; then the details. */
function summary(r: ChaosReport) {
  const { orders, records, faults, recoveryMs, lost, duplicated, ok, unexpectedExits, generatorRestarts, drained, durationMs, events } = r;
  const runs = r.runs.map((v) => ({ runId: v.runId, ok: v.ok, dlq: { poisonExpected: v.dlq.poisonExpected, poisonFound: v.dlq.poisonFound, unexpected: v.dlq.unexpected }, saga: { orders: v.saga.orders, inconsistent: v.saga.inconsistent } }));
  return { orders, faults, recoveryMs, lost, duplicated, ok, records, runs, unexpectedExits, generatorRestarts, drained, durationMs, events };
}

function render(r: ChaosReport): string {
  const kinds = FAULT_KINDS.filter((k) => r.faults[k]);
  const sum = (pick: (v: ChaosReport['runs'][number]) => number) => r.runs.reduce((n, v) => n + pick(v), 0);
  return [
    `Chaos run ${r.runs.map((v) => v.runId).join(' + ')}: ${r.ok && r.lost === 0 && r.duplicated === 0 ? 'OK' : 'FAILED'} in ${(r.durationMs / 1000).toFixed(0)} s`,
    `  orders            ${r.orders}`,
    `  records written   ${r.records} (${r.produced.reduce((n, c) => n + c.poison, 0)} poison, ${r.produced.reduce((n, c) => n + c.duplicates, 0)} duplicates)`,
    `  lost / duplicated ${r.lost} / ${r.duplicated}`,
    `  poison in DLQs    ${sum((v) => v.dlq.poisonFound)}/${sum((v) => v.dlq.poisonExpected)} (unexpected ${sum((v) => v.dlq.unexpected)})`,
    `  sagas             ${sum((v) => v.saga.orders)} orders, ${sum((v) => v.saga.inconsistent)} inconsistent`,
    `  process exits     ${r.unexpectedExits} consumer, ${r.generatorRestarts} generator (continued); ${r.drained} records left for the final drain`,
    ...r.runs.flatMap((v) => [
      ...Object.entries(v.services).filter(([, s]) => s.examples.length > 0).map(([name, s]) => `  ${name}: ${s.missing} missing, ${s.duplicated} duplicated, e.g. ${s.examples.join('; ')}`),
      ...(v.saga.examples.length > 0 ? [`  sagas: ${v.saga.examples.join('; ')}`] : []),
    ]),
    '  fault                   count  worst recovery',
    ...kinds.map((k) => `    ${k.padEnd(22)}${String(r.faults[k]).padStart(5)}  ${r.recoveryMs[k] === null ? 'never' : `${((r.recoveryMs[k] ?? 0) / 1000).toFixed(1)} s`}`),
    '',
  ].join('\n');
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
