import { InterruptedError, UsageError } from '../errors.js';
import { shippedContractsDir, shippedTopologyFile } from '../config/package-root.js';
import { type Connection, type ConnectionFlags, requireRegistry, resolveConnection } from '../config/resolve-connection.js';
import { devUp } from '../dev/stack.js';
import { resolveCheckoutCodec } from '../generator/checkout-codec.js';
import { type ProduceSummary, produceCheckout } from '../generator/produce-checkout.js';
import { rateProfile } from '../generator/rate-profile.js';
import { newRunId } from '../generator/run-manifest.js';
import { fetchVerifyInput } from '../runtime/fetch-verify-input.js';
import { DEFAULT_RETRY } from '../runtime/retry-policy.js';
import { runServices } from '../runtime/run-services.js';
import { ServiceMetrics, type ServiceMetricsSnapshot } from '../runtime/service-metrics.js';
import { SERVICES } from '../runtime/types.js';
import { type VerifyReport, verifyRun } from '../runtime/verify-run.js';
import { loadContracts } from '../schema/contracts.js';
import { RegistryClient } from '../schema/registry-client.js';
import { registerContracts } from '../schema/schema-registration.js';
import { executeTopologyPlan, planTopologyOnCluster } from '../topics/topology-apply.js';
import { readTopologyFile } from '../topics/topology-file.js';
import type { RunDashboardOptions } from '../tui/run-dashboard.js';
import type { ViewId } from '../tui/state/views.js';

export interface DemoOptions {
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  durationMs: number;
  /** Peak order rate (records/s) of the seasonal spike. */
  peakPerSec: number;
  /** The payment gateway stalls this long per batch, for the first `stallForMs` of the run. */
  stallMs: number;
  stallForMs: number;
  failRate: number;
  log: (m: string) => void;
  /** Interactive mode: show the dashboard with these options; the demo ends when it closes. */
  dashboard?: (options: DemoDashboard) => Promise<void>;
}

export type DemoDashboard = Required<Pick<RunDashboardOptions, 'conn' | 'signal' | 'metricsSource' | 'initialView'>>;

/** The dashboard opens where the demo's story happens: the payment group's lag building and draining. */
export const DEMO_VIEW: ViewId = 'groups';

export interface DemoSummary {
  runId: string;
  stack: 'started' | 'existing';
  produced: ProduceSummary;
  services: ServiceMetricsSnapshot[];
  /** null when interrupted: a run cut short cannot verify (its services did not drain). */
  verify: VerifyReport | null;
  /** The signal stopped the generator and the services before the run could drain. */
  interrupted: boolean;
  ok: boolean;
}

const DRAIN_LIMIT_MS = 180_000;

/**
 * The checkout surge end to end: a stack (started if none is configured), the topology and
 * contracts, the four services with the seed's payment stall for a while, the generator's
 * spike with injected faults, then verify. Interactive runs watch it all in the dashboard.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  let conn = await resolveConnection(opts.flags, opts.env);
  let stack: DemoSummary['stack'] = 'existing';
  if (conn.brokers.length === 0) {
    opts.log('No cluster configured: starting the local stack (`streamflow dev up`)...');
    await devUp({ env: opts.env, log: opts.log });
    conn = await resolveConnection(opts.flags, opts.env);
    stack = 'started';
  }
  if (!conn.redis) throw new UsageError('the demo needs Redis for the dedup store', 'pass --redis or use the local stack');

  const { plan } = await planTopologyOnCluster(conn, await readTopologyFile(shippedTopologyFile()));
  if (plan.errors.length > 0) throw new UsageError(`the checkout topology cannot be applied: ${plan.errors.join('; ')}`);
  await executeTopologyPlan(conn, { ...plan, changes: plan.changes.filter((c) => c.action === 'create') });
  const registry = new RegistryClient(requireRegistry(conn), { signal: opts.signal });
  const refused = (await registerContracts(registry, await loadContracts(shippedContractsDir()))).filter((r) => r.status === 'incompatible');
  if (refused.length > 0) throw new UsageError(`the registry refused contracts: ${refused.map((r) => r.subject).join(', ')}`, 'see `streamflow schema check --dir schemas/checkout`');
  opts.log('Topology applied and contracts registered.');
  if (opts.signal.aborted) throw new InterruptedError('interrupted before the run started: nothing was produced');

  const services = new AbortController();
  const generator = new AbortController();
  const stopAll = () => {
    generator.abort();
    services.abort();
  };
  opts.signal.addEventListener('abort', stopAll, { once: true });
  let latest: ServiceMetricsSnapshot[] = SERVICES.map((service) => new ServiceMetrics(service).snapshot());
  let generatorDone = false;
  // Nothing may write to the terminal while the dashboard draws it: hold messages until it closes.
  let held: string[] | null = null;
  const log = (m: string) => (held ? held.push(m) : opts.log(m));
  let ready!: () => void;
  const servicesReady = new Promise<void>((r) => (ready = r));
  const running = runServices(conn, {
    services: [...SERVICES],
    store: 'redis',
    ttlSec: 7 * 86_400,
    faults: { failRate: opts.failRate, latencyMs: opts.stallMs, latencyUntil: Date.now() + opts.stallForMs },
    retry: DEFAULT_RETRY,
    maxBatch: 2000,
    contractsDir: shippedContractsDir(),
    signal: services.signal,
    // After the generator stops, run until every consumer (retry stages included) is idle.
    untilIdleMs: 10_000,
    idleArmed: () => generatorDone,
    log,
    onMetrics: (all) => (latest = all),
    onReady: () => ready(),
  });
  await Promise.race([servicesReady, running]);

  const runId = newRunId();
  const codec = await resolveCheckoutCodec(registry, shippedContractsDir(), 'checkout.orders');
  opts.log(`Run ${runId}: a seasonal spike to ${Math.round(opts.peakPerSec * 60).toLocaleString('en-US')} orders/min for ${Math.round(opts.durationMs / 1000)} s, payment gateway stalling ${opts.stallMs} ms per batch for the first ${Math.round(opts.stallForMs / 1000)} s`);
  const producing = produceCheckout(conn, codec, {
    topic: 'checkout.orders',
    runId,
    durationMs: opts.durationMs,
    profile: rateProfile('spike', opts.peakPerSec, opts.durationMs / 1000),
    seed: Date.now() % 2 ** 31,
    users: 10_000,
    cancelShare: 0.05,
    duplicates: 0.01,
    poison: 0.002,
    keyBy: 'order_id',
    idempotent: true,
    compression: 'none',
    batchSize: 1000,
    env: opts.env,
    signal: generator.signal,
  });

  let produced: ProduceSummary;
  if (opts.dashboard) {
    held = [];
    await opts.dashboard({ conn, signal: opts.signal, metricsSource: { snapshots: () => latest }, initialView: DEMO_VIEW });
    for (const m of held) opts.log(m);
    held = null;
    generator.abort();
    produced = await producing;
  } else {
    produced = await producing;
  }
  generatorDone = true;
  if (!opts.signal.aborted) log('Generator finished: letting the services drain before verifying...');
  const drainLimit = setTimeout(() => services.abort(), DRAIN_LIMIT_MS);
  const { services: finalMetrics } = await running.finally(() => clearTimeout(drainLimit));
  opts.signal.removeEventListener('abort', stopAll);
  const interrupted = opts.signal.aborted;
  const verify = interrupted ? null : verifyRun(await fetchVerifyInput(conn, opts.env, runId));
  return { runId, stack, produced, services: finalMetrics, verify, interrupted, ok: verify?.ok ?? false };
}
