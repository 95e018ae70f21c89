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
import { activeController, freezeRegistry, fullIsr, killBroker, killRedis, leaderCounts, leadersMovedOff, redisClusterNodes, restartBroker, restartRedis } from './cluster-faults.js';
import { LagWatch } from './lag-watch.js';
import { generatorRecordsOn } from './resent-records.js';
import { type Instance, ServiceFleet } from './service-fleet.js';
import { Traffic } from './traffic.js';

export const FAULT_KINDS = ['consumer-sigkill', 'leader-broker-sigkill', 'redis-sigkill', 'controller-sigkill', 'registry-stop', 'rebalance-storm'] as const;
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
  /** `consume` processes per service (one group each): with two or more a kill leaves the group working. */
  processes: number;
  /** The seed's payment stall: every payment batch waits `ms` for the first `forMs` of the run; faults start once its backlog drained. */
  paymentStall?: { ms: number; forMs: number };
  /** Redis Cluster (3 masters, 3 replicas) instead of one Redis; redis-sigkill then kills a master. */
  redisCluster?: boolean;
  /** A group has recovered from a fault once its time lag is under this (default 5 s)... */
  caughtUpMs?: number;
  /** ...within this long, else the fault's lag never recovered (default 3 minutes). */
  lagRecoveryTimeoutMs?: number;
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
  /** From the injection until every service group was back under 5 s of time lag (and stayed so); null if not within 3 minutes. */
  lagRecoveryMs: number | null;
  /** The worst time lag of any service group from the injection to its lag recovery. */
  worstLagMs: number;
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
  /** Worst lag recovery per kind: until every group was back under 5 s of time lag; null when one occurrence did not within 3 minutes. */
  lagRecoveryMs: Partial<Record<FaultKind, number | null>>;
  /** Orders per second the generator sustained, from its first record to its last. */
  ordersPerSec: number;
  /** The worst end-to-end latency: an order written to its notification applied (saga age at notification, ms). */
  worstEndToEndMs: number;
  /** Worst saga age per service (order written to the service's event applied, ms). */
  sagaAgeMaxMs: Record<ServiceName, number>;
  /** Records the at-least-once generator wrote beyond what it counted as acknowledged (absorbed by the dedup store). */
  resentRecords: number;
  /** From the start until the payment stall's backlog drained (every group under 5 s of time lag); null without a stall. */
  stallRecoveryMs: number | null;
  processes: number;
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
/** The main groups of the services: retry stages lag by their delay on purpose. */
const SERVICE_GROUPS = SERVICES.map((s) => `${s}-service`);
/** Processes a rebalance storm starts (and then stops) in quick succession. */
const STORM_PROCESSES = 3;
const STORM_STEP_MS = 2_000;
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
  let lag: LagWatch | undefined;
  let succeeded = false;
  try {
    log(`chaos: starting a 3-broker stack with registry and Redis in ${root}`);
    const up = await devUp({ brokers: 3, ...(opts.redisCluster ? { redisCluster: true } : {}), ...(opts.kafkaVersion ? { kafkaVersion: opts.kafkaVersion } : {}), env, log });
    const conn: Connection = { context: null, brokers: up.kafka.bootstrap.split(','), sources: {} };
    must('topology apply', await runStreamflow(['topology', 'apply', '--execute', '--json'], env));
    must('schema register', await runStreamflow(['schema', 'register', '--dir', shippedContractsDir(), '--json'], env));

    const stall = opts.paymentStall;
    const stallArgs = stall ? { payment: ['--latency', `${stall.ms}ms`, '--latency-for', `${stall.forMs}ms`] } : {};
    fleet = new ServiceFleet(env, root, ['--fail-rate', '0.01', ...(opts.serviceArgs ?? [])], opts.processes, log, stallArgs);
    await fleet.startAll();
    const caughtUpMs = opts.caughtUpMs ?? 5_000;
    const lagRecoveryTimeoutMs = opts.lagRecoveryTimeoutMs ?? 180_000;
    lag = new LagWatch(conn, SERVICE_GROUPS, caughtUpMs);
    const t0 = Date.now();
    const runId = `chaos-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`;
    log(`chaos: generator writes ${opts.records} records at ${opts.ratePerSec}/s (run ${runId}); ${opts.processes} process(es) per service${stall ? `; payment stalls ${stall.ms} ms per batch for ${stall.forMs / 1000} s` : ''}`);
    traffic = new Traffic(env, root, opts.seed, log);
    traffic.start(runId, opts.records, opts.ratePerSec);
    await clock.until('every service handles records', () => SERVICES.every((s) => fleet!.progressedAt(s) > 0), RECOVERY_TIMEOUT_MS);
    let stallRecoveryMs: number | null = null;
    if (stall) {
      // Faults start once the stall's backlog drained: their lag recovery is theirs alone.
      await clock.waitFor(() => Date.now() > t0 + stall.forMs && lag!.caughtUpAfter(t0 + stall.forMs) !== null, lagRecoveryTimeoutMs + stall.forMs, 1_000);
      const caughtUp = lag.caughtUpAfter(t0 + stall.forMs);
      stallRecoveryMs = caughtUp === null ? null : caughtUp - t0;
      log(`chaos: the payment stall's backlog ${caughtUp === null ? 'did NOT drain' : `drained ${((caughtUp - t0) / 1000).toFixed(1)} s after the start`} (worst time lag ${(lag.worstSince(t0) / 1000).toFixed(1)} s)`);
    }

    const events: FaultEvent[] = [];
    const faults = new FaultInjector(env, conn, fleet, registryUrlOf(up.registry?.url), opts.registryStopMs, Boolean(opts.redisCluster), log, clock);
    // A fault is repeated only while the generator is due to run on for longer than a recovery
    // takes: a generator run started during a fault (e.g. the registry frozen) cannot start.
    const endsAt = t0 + (opts.records / opts.ratePerSec) * 1000;
    const again = () => opts.repeatWhileProducing && traffic!.producing && Date.now() + LONGEST_RECOVERY_MS < endsAt;
    for (let i = 0; i < opts.plan.length || again(); i++) {
      const kind = opts.plan[i % opts.plan.length]!;
      log(`chaos: injecting ${kind}`);
      const { event, endedAt } = await faults.inject(kind, t0);
      events.push(event);
      // The next fault waits for this one's lag to recover, so each recovery is measured alone.
      await clock.waitFor(() => lag!.caughtUpAfter(endedAt) !== null, lagRecoveryTimeoutMs, 1_000);
      const caughtUp = lag.caughtUpAfter(endedAt);
      event.lagRecoveryMs = caughtUp === null ? null : caughtUp - (t0 + event.atMs);
      event.worstLagMs = lag.worstSince(t0 + event.atMs);
      log(`chaos: ${kind}: ${event.lagRecoveryMs === null ? 'lag did NOT recover' : `lag back under ${caughtUpMs / 1000} s ${(event.lagRecoveryMs / 1000).toFixed(1)} s after the fault`} (worst ${(event.worstLagMs / 1000).toFixed(1)} s)`);
    }
    await faults.healed();

    log('chaos: faults done; waiting for the generator');
    const produced = await traffic.stop();
    const span = await traffic.span();
    log(`chaos: ${produced.reduce((n, c) => n + c.sent, 0)} records written; waiting for the services to go idle`);
    await clock.until('the services go idle', () => SERVICES.every((s) => Date.now() - fleet!.progressedAt(s) > 10_000), 30 * 60_000, 1_000);
    const sagaAgeMaxMs = fleet.sagaAgeMaxMs();
    await fleet.stopAll();
    await lag.stop();
    lag = undefined;
    const drain = must('final consume', await runStreamflow(['consume', '--service', 'all', '--until-idle', '15s', '--json'], env, 30 * 60_000));
    const drained = (JSON.parse(drain.stdout).services as Array<{ processed: number }>).reduce((n, s) => n + s.processed, 0);

    const runs: RunVerdict[] = [];
    for (const id of traffic.runIds) {
      const verify = await runStreamflow(['verify', '--run', id, '--json'], env);
      if (verify.code !== 0 && verify.code !== 1) throw new Error(`verify --run ${id} failed (exit ${verify.code}): ${verify.stderr}`);
      runs.push(JSON.parse(verify.stdout) as RunVerdict);
    }
    const all = runs.flatMap((r) => Object.values(r.services));
    const orders = produced.reduce((n, c) => n + c.created, 0);
    const records = produced.reduce((n, c) => n + c.sent, 0);
    const report: ChaosReport = {
      orders,
      records,
      ordersPerSec: Math.round(orders / ((span.finishedAt - span.startedAt) / 1000)),
      faults: countBy(events),
      recoveryMs: worstOf(events, (e) => e.recoveryMs),
      lagRecoveryMs: worstOf(events, (e) => e.lagRecoveryMs),
      worstEndToEndMs: sagaAgeMaxMs.notification,
      sagaAgeMaxMs,
      resentRecords: (await generatorRecordsOn(conn, 'checkout.orders', traffic.runIds)) - records,
      stallRecoveryMs,
      processes: opts.processes,
      lost: all.reduce((n, s) => n + s.missing, 0),
      duplicated: all.reduce((n, s) => n + s.duplicated, 0),
      ok: runs.every((r) => r.ok) && events.every((e) => e.recoveryMs !== null && e.lagRecoveryMs !== null),
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
    await lag?.stop().catch(() => undefined);
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
  private nextStorm = 0;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly conn: Connection,
    private readonly fleet: ServiceFleet,
    private readonly registryUrl: string,
    private readonly registryStopMs: number,
    private readonly redisCluster: boolean,
    private readonly log: (m: string) => void,
    private readonly clock: ReturnType<typeof abortable>,
  ) {}

  /** Broker recoveries still under way (full ISR), awaited before the next broker fault. */
  private healing: Array<Promise<void>> = [];

  /** Inject one fault; `endedAt` is when it was lifted (the process restarted, the registry thawed). */
  async inject(kind: FaultKind, t0: number): Promise<{ event: FaultEvent; endedAt: number }> {
    if (kind === 'leader-broker-sigkill' || kind === 'controller-sigkill') await this.healed(); // one broker down at a time
    const injected = await this.injectNow(kind, t0);
    if (injected.event.resumedMs === undefined) this.report(injected.event); // broker faults report once healed
    return injected;
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

  private async injectNow(kind: FaultKind, t0: number): Promise<{ event: FaultEvent; endedAt: number }> {
    switch (kind) {
      case 'consumer-sigkill':
        return this.killConsumer(SERVICES[this.nextConsumer++ % SERVICES.length]!, t0);
      case 'rebalance-storm':
        return this.rebalanceStorm(SERVICES[this.nextStorm++ % SERVICES.length]!, t0);
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
        // On a Redis Cluster a master, down long enough for its replica to take over.
        const master = this.redisCluster ? (await redisClusterNodes(this.env)).find((n) => n.role === 'master') : undefined;
        const at = Date.now();
        await killRedis(this.env, master?.port);
        await this.clock.sleep(master ? REDIS_CLUSTER_DOWN_MS : 1_000);
        await restartRedis(this.env, master?.port);
        const endedAt = Date.now();
        const event = fault(kind, master ? `Redis Cluster master :${master.port}` : 'redis', at - t0, await this.recovered(at, () => true));
        return { event, endedAt };
      }
      case 'registry-stop': {
        const at = Date.now();
        await freezeRegistry(this.env, true);
        await this.clock.sleep(this.registryStopMs);
        await freezeRegistry(this.env, false);
        const thawed = Date.now();
        const recoveryMs = await this.recovered(thawed, () => registryAnswers(this.registryUrl));
        return { event: fault(kind, `registry (SIGSTOP for ${this.registryStopMs / 1000} s)`, at - t0, recoveryMs), endedAt: thawed };
      }
    }
  }

  /**
   * SIGKILL a consumer in the middle of a batch: pause it so a backlog builds, resume it, and
   * kill it a moment later while it works through the backlog; then start a new process.
   */
  private async killConsumer(service: ServiceName, t0: number): Promise<{ event: FaultEvent; endedAt: number }> {
    const victim = this.fleet.of(service)[0]!;
    const pid = victim.run.child.pid!;
    signal(pid, 'SIGSTOP');
    await this.clock.sleep(3_000);
    signal(pid, 'SIGCONT');
    await this.clock.sleep(50 + Math.floor(Math.random() * 350));
    const at = Date.now();
    await this.fleet.kill(victim);
    const replacement = await this.fleet.start(service);
    const endedAt = Date.now();
    const ok = await this.clock.waitFor(() => replacement.handled > 0, RECOVERY_TIMEOUT_MS, 100);
    return { event: fault('consumer-sigkill', `${service} consumer (pid ${pid})`, at - t0, ok ? Date.now() - at : null), endedAt };
  }

  /**
   * Processes of one service started and stopped in quick succession, as an autoscaler that
   * flaps or a crash-looping deployment does: the group rebalances with every join and leave.
   */
  private async rebalanceStorm(service: ServiceName, t0: number): Promise<{ event: FaultEvent; endedAt: number }> {
    const at = Date.now();
    const extra: Instance[] = [];
    for (let i = 0; i < STORM_PROCESSES; i++) {
      extra.push(await this.fleet.start(service));
      await this.clock.sleep(STORM_STEP_MS);
    }
    for (const instance of extra) {
      await this.fleet.stop(instance);
      await this.clock.sleep(STORM_STEP_MS);
    }
    const endedAt = Date.now();
    const target = `${service}: ${STORM_PROCESSES} processes started and stopped ${STORM_STEP_MS / 1000} s apart`;
    return { event: fault('rebalance-storm', target, at - t0, await this.recovered(endedAt, () => true)), endedAt };
  }

  /**
   * SIGKILL a broker and restart it on its port once its partitions have new leaders. The next
   * fault may start once every service works again; the recovery (back to full ISR) is
   * measured meanwhile, and the next broker fault waits for it.
   */
  private async killBroker(kind: FaultKind, id: number, target: string, t0: number): Promise<{ event: FaultEvent; endedAt: number }> {
    const at = Date.now();
    await killBroker(this.env, id);
    const moved = await this.clock.waitFor(() => leadersMovedOff(this.conn, id), RECOVERY_TIMEOUT_MS, 250);
    const failoverMs = Date.now() - at;
    if (!moved) this.log(`chaos: partitions of broker ${id} still have no other leader after ${failoverMs} ms`);
    await restartBroker(this.env, id);
    const endedAt = Date.now();
    const event: FaultEvent = { ...fault(kind, target, at - t0, null), failoverMs, resumedMs: await this.recovered(at, () => true) };
    const heal = this.recovered(at, () => fullIsr(this.conn)).then((ms) => {
      event.recoveryMs = ms;
      this.report(event);
    });
    heal.catch(() => undefined); // an interrupted run rejects it; awaited in healed() otherwise
    this.healing.push(heal);
    return { event, endedAt };
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

/** A fault as injected; its lag recovery is filled in once it is known. */
function fault(kind: FaultKind, target: string, atMs: number, recoveryMs: number | null): FaultEvent {
  return { kind, target, atMs, recoveryMs, lagRecoveryMs: null, worstLagMs: 0 };
}

/** A Redis Cluster master stays down this long: past cluster-node-timeout, so its replica takes over. */
const REDIS_CLUSTER_DOWN_MS = 8_000;

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

/** The worst figure per kind; null when any occurrence has none (it never recovered). */
function worstOf(events: FaultEvent[], pick: (e: FaultEvent) => number | null): Partial<Record<FaultKind, number | null>> {
  const out: Partial<Record<FaultKind, number | null>> = {};
  for (const e of events) {
    const prev = out[e.kind];
    const ms = pick(e);
    out[e.kind] = prev === null || ms === null ? null : Math.max(prev ?? 0, ms);
  }
  return out;
}
