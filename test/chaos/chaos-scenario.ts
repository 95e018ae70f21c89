import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Connection } from '../../src/config/resolve-connection.js';
import { shippedContractsDir } from '../../src/config/package-root.js';
import { registryAnswers } from '../../src/dev/health.js';
import { setTimeout as delay } from 'node:timers/promises';
import { signal, waitFor } from '../../src/dev/processes.js';
import { devDown, devUp } from '../../src/dev/stack.js';
import type { RunCounts } from '../../src/generator/run-manifest.js';
import { SERVICES, type ServiceName } from '../../src/runtime/types.js';
import { type Finished, runStreamflow } from './cli-process.js';
import { activeController, freezeRegistry, fullIsr, killBroker, killRedis, leaderCounts, leadersMovedOff, restartBroker, restartRedis } from './cluster-faults.js';
import { ServiceFleet } from './service-fleet.js';
import { Traffic } from './traffic.js';

export const FAULT_KINDS = ['consumer-sigkill', 'leader-broker-sigkill', 'redis-sigkill', 'controller-sigkill', 'registry-stop'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ChaosOptions {
  /** Checkout records the generator writes (orders, their cancellations, duplicates and poison). */
  records: number;
  /** Generator rate: low enough that traffic flows during every fault. */
  ratePerSec: number;
  /** The faults in order; with `repeatWhileProducing` the list starts over until the generator is done. */
  plan: FaultKind[];
  repeatWhileProducing: boolean;
  registryStopMs: number;
  seed: number;
  kafkaVersion?: string;
  /** Extra `consume` flags for the services (e.g. --verbose to log kafkajs events). */
  serviceArgs?: string[];
  /** Stop the stack but keep its data and logs (printed path) for a post-mortem. */
  keep?: boolean;
  /** Ctrl-C: stop injecting, tear everything down, reject. */
  signal?: AbortSignal;
  log: (m: string) => void;
}

export interface FaultEvent {
  kind: FaultKind;
  target: string;
  /** When it was injected, ms after the services started. */
  atMs: number;
  /** Fault (for registry-stop: its end) until healed and every service handles records again; null if it never healed. */
  recoveryMs: number | null;
  /** Broker kills: until every partition had a leader on a live broker again. */
  failoverMs?: number;
  /** Broker kills: until every service handled records again (the broker still catching up). */
  resumedMs?: number | null;
}

export interface RunVerdict {
  runId: string;
  ok: boolean;
  expected: number;
  services: Record<ServiceName, { processedOnce: number; missing: number; duplicated: number; examples: string[] }>;
  dlq: { poisonExpected: number; poisonFound: number; unexpected: number; unexpectedExamples: string[] };
  saga: { orders: number; completed: number; compensated: number; cancelled: number; inconsistent: number; examples: string[] };
}

export interface ChaosReport {
  /** Orders the generator runs created (OrderCreated records Kafka acknowledged, resends not counted). */
  orders: number;
  /** Every record the generator runs wrote: orders, cancellations, duplicates and poison. */
  records: number;
  faults: Partial<Record<FaultKind, number>>;
  /** Worst recovery per kind (ms); null when one occurrence never recovered. */
  recoveryMs: Partial<Record<FaultKind, number | null>>;
  /** Events some service never applied / applied more than once (summed over services and runs). */
  lost: number;
  duplicated: number;
  /** verify passed for every run (DLQ and sagas included) and every fault healed. */
  ok: boolean;
  events: FaultEvent[];
  runs: RunVerdict[];
  produced: RunCounts[];
  /** Consumer processes that died without being killed (restarted by the scenario). */
  unexpectedExits: number;
  /** Generator runs that gave up during a fault and were continued by a new run. */
  generatorRestarts: number;
  /** Records a final `consume --until-idle` pass still found once the services were idle (0 when they were done). */
  drained: number;
  durationMs: number;
}

const BUSY_TOPICS = ['checkout.orders', 'checkout.payments'];
const RECOVERY_TIMEOUT_MS = 180_000;
/** A fault is repeated only if the generator still runs this long: its recovery needs traffic. */
const LONGEST_RECOVERY_MS = 90_000;

/**
 * A 3-broker stack with registry and Redis in a temp state dir; the checkout topology and
 * contracts; the generator and the four services as streamflow child processes; and, while
 * they run, the faults of `plan` one after the other, each followed by its recovery. Then the
 * services go idle and `verify` proves every run. Everything is torn down at the end.
 */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const { log } = opts;
  const clock = abortable(opts.signal);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-chaos-'));
  const env = isolatedEnv(root);
  let fleet: ServiceFleet | undefined;
  let traffic: Traffic | undefined;
  let succeeded = false;
  try {
    log(`chaos: starting a 3-broker stack with registry and Redis in ${root}`);
    const up = await devUp({ brokers: 3, ...(opts.kafkaVersion ? { kafkaVersion: opts.kafkaVersion } : {}), env, log });
    const conn: Connection = { context: null, brokers: up.kafka.bootstrap.split(','), sources: {} };
    must('topology apply', await runStreamflow(['topology', 'apply', '--execute', '--json'], env));
    must('schema register', await runStreamflow(['schema', 'register', '--dir', shippedContractsDir(), '--json'], env));

    fleet = new ServiceFleet(env, root, ['--max-batch', '50', '--fail-rate', '0.01', ...(opts.serviceArgs ?? [])], log);
    await fleet.startAll();
    const t0 = Date.now();
    const runId = `chaos-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
    log(`chaos: generator writes ${opts.records} records at ${opts.ratePerSec}/s (run ${runId})`);
    traffic = new Traffic(env, root, opts.seed, log);
    traffic.start(runId, opts.records, opts.ratePerSec);
    await clock.until('every service handles records', () => SERVICES.every((s) => fleet!.progressedAt(s) > 0), RECOVERY_TIMEOUT_MS);

    const events: FaultEvent[] = [];
    const faults = new FaultInjector(env, conn, fleet, registryUrlOf(up.registry?.url), opts.registryStopMs, log, clock);
    // A fault is repeated only while the generator is due to run on for longer than a recovery
    // takes: a generator run started during a fault (e.g. the registry frozen) cannot start.
    const endsAt = t0 + (opts.records / opts.ratePerSec) * 1000;
    const again = () => opts.repeatWhileProducing && traffic!.producing && Date.now() + LONGEST_RECOVERY_MS < endsAt;
    for (let i = 0; i < opts.plan.length || again(); i++) {
      const kind = opts.plan[i % opts.plan.length]!;
      log(`chaos: injecting ${kind}`);
      events.push(await faults.inject(kind, t0));
      await clock.sleep(1_000);
    }
    await faults.healed();

    log('chaos: faults done; waiting for the generator');
    const produced = await traffic.stop();
    log(`chaos: ${produced.reduce((n, c) => n + c.sent, 0)} records written; waiting for the services to go idle`);
    await clock.until('the services go idle', () => SERVICES.every((s) => Date.now() - fleet!.progressedAt(s) > 10_000), 30 * 60_000, 1_000);
    await fleet.stopAll();
    const drain = must('final consume', await runStreamflow(['consume', '--service', 'all', '--until-idle', '15s', '--json'], env, 30 * 60_000));
    const drained = (JSON.parse(drain.stdout).services as Array<{ processed: number }>).reduce((n, s) => n + s.processed, 0);

    const runs: RunVerdict[] = [];
    for (const id of traffic.runIds) {
      const verify = await runStreamflow(['verify', '--run', id, '--json'], env);
      if (verify.code !== 0 && verify.code !== 1) throw new Error(`verify --run ${id} failed (exit ${verify.code}): ${verify.stderr}`);
      runs.push(JSON.parse(verify.stdout) as RunVerdict);
    }
    const all = runs.flatMap((r) => Object.values(r.services));
    const report: ChaosReport = {
      orders: produced.reduce((n, c) => n + c.created, 0),
      records: produced.reduce((n, c) => n + c.sent, 0),
      faults: countBy(events),
      recoveryMs: worstRecovery(events),
      lost: all.reduce((n, s) => n + s.missing, 0),
      duplicated: all.reduce((n, s) => n + s.duplicated, 0),
      ok: runs.every((r) => r.ok) && events.every((e) => e.recoveryMs !== null),
      events,
      runs,
      produced,
      unexpectedExits: fleet.unexpectedExits,
      generatorRestarts: traffic.restarts,
      drained,
      durationMs: Date.now() - t0,
    };
    succeeded = report.ok && report.lost === 0 && report.duplicated === 0;
    return report;
  } finally {
    fleet?.killAll();
    traffic?.killAll();
    await freezeRegistry(env, false).catch(() => undefined);
    // A failed run keeps its data and logs for a post-mortem; its processes stop either way.
    const keep = opts.keep || !succeeded;
    await devDown(env, { purge: !keep }).catch((err: Error) => log(`chaos: dev down failed: ${err.message}`));
    if (keep) log(`chaos: kept the stack's data and the logs in ${root}`);
    else await fs.rm(root, { recursive: true, force: true });
  }
}

/** Injects one fault at a time and measures how long the system takes to heal from it. */
class FaultInjector {
  private nextConsumer = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly conn: Connection,
    private readonly fleet: ServiceFleet,
    private readonly registryUrl: string,
    private readonly registryStopMs: number,
    private readonly log: (m: string) => void,
    private readonly clock: ReturnType<typeof abortable>,
  ) {}

  /** Broker recoveries still under way (full ISR), awaited before the next broker fault. */
  private healing: Array<Promise<void>> = [];

  async inject(kind: FaultKind, t0: number): Promise<FaultEvent> {
    if (kind === 'leader-broker-sigkill' || kind === 'controller-sigkill') await this.healed(); // one broker down at a time
    const event = await this.injectNow(kind, t0);
    if (event.resumedMs === undefined) this.report(event); // broker faults report once healed
    return event;
  }

  /** Every broker fault so far has fully healed (or timed out). */
  async healed(): Promise<void> {
    await Promise.all(this.healing);
    this.healing = [];
  }

  private report(e: FaultEvent): void {
    const details = e.failoverMs === undefined ? '' : ` (leaders moved in ${(e.failoverMs / 1000).toFixed(1)} s, services resumed in ${e.resumedMs === null ? '-' : `${((e.resumedMs ?? 0) / 1000).toFixed(1)} s`})`;
    this.log(`chaos: ${e.kind} of ${e.target}: ${e.recoveryMs === null ? 'NOT recovered' : `recovered in ${(e.recoveryMs / 1000).toFixed(1)} s`}${details}`);
  }

  private async injectNow(kind: FaultKind, t0: number): Promise<FaultEvent> {
    switch (kind) {
      case 'consumer-sigkill':
        return this.killConsumer(SERVICES[this.nextConsumer++ % SERVICES.length]!, t0);
      case 'leader-broker-sigkill': {
        const controller = await activeController(this.env);
        const counts = [...(await leaderCounts(this.conn, BUSY_TOPICS))].sort((a, b) => b[1] - a[1]);
        const victim = (counts.find(([id]) => id !== controller) ?? counts[0]!)[0];
        return this.killBroker(kind, victim, `broker ${victim} (leads ${counts.find(([id]) => id === victim)![1]} partitions of ${BUSY_TOPICS.join(', ')})`, t0);
      }
      case 'controller-sigkill': {
        const controller = await activeController(this.env);
        return this.killBroker(kind, controller, `broker ${controller} (the active KRaft controller)`, t0);
      }
      case 'redis-sigkill': {
        const at = Date.now();
        await killRedis(this.env);
        await this.clock.sleep(1_000);
        await restartRedis(this.env);
        return { kind, target: 'redis', atMs: at - t0, recoveryMs: await this.recovered(at, () => true) };
      }
      case 'registry-stop': {
        const at = Date.now();
        await freezeRegistry(this.env, true);
        await this.clock.sleep(this.registryStopMs);
        await freezeRegistry(this.env, false);
        const thawed = Date.now();
        const recoveryMs = await this.recovered(thawed, () => registryAnswers(this.registryUrl));
        return { kind, target: `registry (SIGSTOP for ${this.registryStopMs / 1000} s)`, atMs: at - t0, recoveryMs };
      }
    }
  }

  /**
   * SIGKILL a consumer in the middle of a batch: pause it so a backlog builds, resume it, and
   * kill it a moment later while it works through the backlog; then start a new process.
   */
  private async killConsumer(service: ServiceName, t0: number): Promise<FaultEvent> {
    const pid = this.fleet.pid(service);
    signal(pid, 'SIGSTOP');
    await this.clock.sleep(3_000);
    signal(pid, 'SIGCONT');
    await this.clock.sleep(50 + Math.floor(Math.random() * 350));
    const at = Date.now();
    await this.fleet.kill(service);
    await this.fleet.start(service);
    const ok = await this.clock.waitFor(() => this.fleet.handled(service) > 0, RECOVERY_TIMEOUT_MS, 100);
    return { kind: 'consumer-sigkill', target: `${service} consumer (pid ${pid})`, atMs: at - t0, recoveryMs: ok ? Date.now() - at : null };
  }

  /**
   * SIGKILL a broker and restart it on its port once its partitions have new leaders. The next
   * fault may start once every service works again; the recovery (back to full ISR) is
   * measured meanwhile, and the next broker fault waits for it.
   */
  private async killBroker(kind: FaultKind, id: number, target: string, t0: number): Promise<FaultEvent> {
    const at = Date.now();
    await killBroker(this.env, id);
    const moved = await this.clock.waitFor(() => leadersMovedOff(this.conn, id), RECOVERY_TIMEOUT_MS, 250);
    const failoverMs = Date.now() - at;
    if (!moved) this.log(`chaos: partitions of broker ${id} still have no other leader after ${failoverMs} ms`);
    await restartBroker(this.env, id);
    const event: FaultEvent = { kind, target, atMs: at - t0, recoveryMs: null, failoverMs, resumedMs: await this.recovered(at, () => true) };
    const heal = this.recovered(at, () => fullIsr(this.conn)).then((ms) => {
      event.recoveryMs = ms;
      this.report(event);
    });
    heal.catch(() => undefined); // an interrupted run rejects it; awaited in healed() otherwise
    this.healing.push(heal);
    return event;
  }

  /** Time from `since` until `healed` holds and every service has handled records after `since`. */
  private async recovered(since: number, healed: () => boolean | Promise<boolean>): Promise<number | null> {
    let nextReport = Date.now() + 60_000;
    const ok = await this.clock.waitFor(
      async () => {
        const waiting = SERVICES.filter((s) => this.fleet.progressedAt(s) <= since);
        if (Date.now() > nextReport) {
          nextReport += 60_000;
          this.log(`chaos: still waiting: ${waiting.length > 0 ? `no progress yet from ${waiting.join(', ')}` : 'the stack is not healed yet'}`);
        }
        return waiting.length === 0 && (await healed());
      },
      RECOVERY_TIMEOUT_MS,
      250,
    );
    return ok ? Date.now() - since : null;
  }
}

/** The chaos stack's own state dir and an empty config, and no STREAMFLOW_* overrides from outside. */
function isolatedEnv(root: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STREAMFLOW_') || k === 'STREAMFLOW_CACHE_DIR' || k === 'STREAMFLOW_REDIS_SERVER'));
  return { ...env, STREAMFLOW_STATE_DIR: path.join(root, 'state'), STREAMFLOW_CONFIG: path.join(root, 'config.yaml'), CI: 'true' };
}

function registryUrlOf(url: string | undefined): string {
  if (!url) throw new Error('the chaos stack has no registry');
  return url;
}

function must(what: string, r: Finished): Finished {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return r;
}

/** Sleeps and waits that end early, with an error, once the run is interrupted. */
function abortable(signal: AbortSignal | undefined) {
  const stopIfAborted = () => {
    if (signal?.aborted) throw new Error('the chaos run was interrupted');
  };
  const wait = (check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 250) => waitFor(async () => (stopIfAborted(), check()), timeoutMs, intervalMs);
  return {
    sleep: (ms: number) => delay(ms, undefined, signal ? { signal } : {}),
    waitFor: wait,
    until: async (what: string, check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 250) => {
      if (!(await wait(check, timeoutMs, intervalMs))) throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what}`);
    },
  };
}

function countBy(events: FaultEvent[]): ChaosReport['faults'] {
  const out: ChaosReport['faults'] = {};
  for (const e of events) out[e.kind] = (out[e.kind] ?? 0) + 1;
  return out;
}

function worstRecovery(events: FaultEvent[]): ChaosReport['recoveryMs'] {
  const out: ChaosReport['recoveryMs'] = {};
  for (const e of events) {
    const prev = out[e.kind];
    out[e.kind] = prev === null || e.recoveryMs === null ? null : Math.max(prev ?? 0, e.recoveryMs);
  }
  return out;
}
