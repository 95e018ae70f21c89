import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { positionFreshGroups, stageGroups } from '../../bench/e2e.js';
import { BenchLeftovers } from '../../bench/leftovers.js';
import { StreamflowProcess } from '../../bench/service-process.js';
import type { SoakArgs } from './soak-args.js';
import { shippedContractsDir, shippedTopologyFile } from '../../src/config/package-root.js';
import { type Connection, requireRegistry, resolveConnection } from '../../src/config/resolve-connection.js';
import { freePort } from '../../src/dev/processes.js';
import { devDown, devUp } from '../../src/dev/stack.js';
import { newRunId, runDir } from '../../src/generator/run-manifest.js';
import { type ClusterSession, withClusterSession } from '../../src/kafka/cluster-session.js';
import { connectRedis, type RedisClient } from '../../src/runtime/redis-client.js';
import { dataNodes } from '../../src/runtime/redis-client.js';
import { SERVICES, type ServiceName } from '../../src/runtime/types.js';
import type { VerifyReport } from '../../src/runtime/verify-run.js';
import { loadContracts } from '../../src/schema/contracts.js';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { registerContracts } from '../../src/schema/schema-registration.js';
import { executeTopologyPlan, planTopologyOnCluster } from '../../src/topics/topology-apply.js';
import { readTopologyFile } from '../../src/topics/topology-file.js';
import { renderSoakPlot } from './soak-plot.js';
import { SoakSampler, rssBytes, scrapeCounts } from './soak-sampler.js';
import { SOAK_PROCESSES, type SoakProcess, type SoakSample, formatSample, samplesCsv, stateBytes, toMb } from './soak-samples.js';
import { type Flatness, type MemoryFigures, alignedStart, judgeFlatness, lagAt, maxRssMb, memoryFigures } from './soak-verdict.js';


/** Services that keep up with the traffic are a few batches behind when it ends: drained within this. */
export const KEEP_UP_DRAIN_MS = 30_000;
/** What the soak was asked (see soak-args.ts for each flag), where it writes, and how it is stopped. */
export interface SoakOptions extends Omit<SoakArgs, 'out' | 'json' | 'verbose'> {
  outDir: string;
  /** Run the services with --verbose (kafkajs' events in their logs). */
  verbose?: boolean;
  /** The environment of the soak (the stack's, with --use-stack). */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  log: (m: string) => void;
}

/** The generator's mix beside the steady rate: 1% resent duplicates (the dedup window's work) and 0.1% poison (the DLQs'). */
const DUPLICATES = 0.01;
const POISON = 0.001;
const READY_TIMEOUT_MS = 180_000;

export interface SoakReport {
  /** Memory flat after the window filled, verify ok, the services kept up (the lag drained within KEEP_UP_DRAIN_MS), nothing exited early. */
  ok: boolean;
  /** Why not ok (empty when ok). */
  failures: string[];
  interrupted: boolean;
  runId: string;
  storeNamespace: string;
  stack: 'private' | 'private-redis-cluster' | 'existing';
  asked: { ratePerSec: number; durationSec: number; windowSec: number; sampleSec: number; drainLimitSec: number };
  generator: { sent: number; created: number; cancelled: number; duplicates: number; poison: number; ratePerSec: number; exitCode: number | null } | null;
  /** Achieved rate / asked. */
  rateRatio: number | null;
  memory: Flatness & MemoryFigures;
  rssMaxMb: Record<SoakProcess, number | null>;
  lag: { atTrafficEnd: number | null; drained: boolean; drainMs: number | null; atEnd: number | null };
  verify: { ok: boolean; exitCode: number | null; services: VerifyReport['services'] | null; dlq: VerifyReport['dlq'] | null; saga: VerifyReport['saga'] | null } | null;
  /** The services' own summaries (`consume --json`). */
  services: Partial<Record<ServiceName, unknown>>;
  samples: number;
  outDir: string;
  files: { samplesJson: string; samplesCsv: string; plot: string; report: string };
  durationMs: number;
}

interface Running {
  service: ServiceName;
  proc: StreamflowProcess;
  port: number;
}

/**
 * The soak: a private stack (or the current one with `useStack`), the checkout topology and
 * contracts, the four services (`consume --dedup-ttl <window>` in a store namespace of the run's
 * own, fresh consumer groups) and the generator at a steady rate for the duration, sampled every
 * `sampleMs`; then the lag drains (within `drainLimitMs`), the services stop, and `verify`
 * checks the run. Samples, the report and soak.png go to `outDir`. A private stack is torn down
 * at the end, also on errors and Ctrl-C; on an existing stack the run's groups and store
 * namespace are deleted (after verify).
 */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const { log } = opts;
  const t0 = Date.now();
  const stamp = Date.now().toString(36);
  const storeNamespace = `soak-${stamp}`;
  const groupOf = (s: ServiceName) => `soak-${stamp}-${s}`;
  const runId = newRunId().replace(/^run-/, 'soak-');
  await fs.mkdir(opts.outDir, { recursive: true });
  let stackRoot: string | null = null;
  let env = opts.env;
  let conn: Connection | undefined;
  let redis: RedisClient | undefined;
  let leftovers: BenchLeftovers | undefined;
  const services: Running[] = [];
  let generator: StreamflowProcess | undefined;
  try {
    if (opts.useStack) {
      conn = await resolveConnection({}, env);
      if (conn.brokers.length === 0 || !conn.registry || !conn.redis) throw new Error('--use-stack needs brokers, a registry and Redis in the current context or STREAMFLOW_BROKERS/REGISTRY/REDIS');
      log(`soak: on the existing stack (${conn.context ? `context ${conn.context}` : 'from the environment'}): brokers ${conn.brokers.join(',')}`);
    } else {
      stackRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-soak-stack-'));
      env = privateEnv(stackRoot);
      log(`soak: starting a private stack${opts.redisCluster ? ' with a Redis Cluster' : ''} in ${stackRoot}`);
      await devUp({ env, log: (m) => log(`  ${m}`), redisCluster: opts.redisCluster });
      conn = await resolveConnection({}, env);
    }
    leftovers = new BenchLeftovers(conn, log);
    await applyTopology(conn, opts.signal);
    redis = await connectRedis(conn.redis!.url);
    const report = await withClusterSession(conn, (session) => soak(opts, { env, conn: conn!, session, redis: redis!, leftovers: leftovers!, runId, storeNamespace, groupOf, services, setGenerator: (g) => (generator = g), t0 }));
    if (opts.useStack) await deleteNamespace(redis, storeNamespace, log);
    return report;
  } finally {
    generator?.child.kill('SIGKILL');
    await Promise.all(services.map((s) => s.proc.stop(5_000)));
    await redis?.quit().catch(() => redis?.disconnect());
    if (opts.useStack) await leftovers?.delete();
    const root = stackRoot;
    if (root) {
      log('soak: stopping the private stack (dev down --purge)');
      await devDown(env, { purge: true }).then(
        () => fs.rm(root, { recursive: true, force: true }),
        (err: Error) => log(`soak: dev down failed: ${err.message}; stop it with STREAMFLOW_STATE_DIR=${path.join(root, 'state')} streamflow dev down --purge`),
      );
    }
  }
}

interface SoakContext {
  env: NodeJS.ProcessEnv;
  conn: Connection;
  session: ClusterSession;
  redis: RedisClient;
  leftovers: BenchLeftovers;
  runId: string;
  storeNamespace: string;
  groupOf: (s: ServiceName) => string;
  services: Running[];
  setGenerator: (g: StreamflowProcess) => void;
  t0: number;
}

async function soak(opts: SoakOptions, ctx: SoakContext): Promise<SoakReport> {
  const { log } = opts;
  const failures: string[] = [];
  const groups = stageGroups(ctx.groupOf).map(([group, topics]) => [group, topics, SERVICES.find((s) => group.startsWith(ctx.groupOf(s)))!] as [string, string[], ServiceName]);
  await positionFreshGroups(ctx.conn, ctx.groupOf, ctx.leftovers);
  const sampler = new SoakSampler(ctx.redis, ctx.session, { runId: ctx.runId, storeNamespace: ctx.storeNamespace, runDir: runDir(ctx.env, ctx.runId), stageGroups: groups });

  for (const service of SERVICES) {
    const port = await freePort();
    const args = ['consume', '--service', service, '--group', ctx.groupOf(service), '--dedup-ttl', `${opts.windowSec}s`, '--store-namespace', ctx.storeNamespace, '--metrics-port', String(port), '--json', ...(opts.verbose ? ['--verbose'] : [])];
    ctx.services.push({ service, port, proc: new StreamflowProcess(args, { logFile: path.join(opts.outDir, `${service}.log`), env: ctx.env }) });
  }
  log(`soak: ${SERVICES.length} services starting (dedup window ${opts.windowSec} s, store namespace ${ctx.storeNamespace}, groups soak-<stamp>-<service>: ${ctx.groupOf('payment')}, ...); logs in ${opts.outDir}`);
  await waitUntilJoined(ctx, groups.map(([g]) => g), opts.signal);

  // Start just before a generation boundary: the run's first generation then expires, and the
  // window fills, W + 60 s + the lead after the start instead of up to 2W + 60 s.
  const startAt = alignedStart(Date.now(), opts.windowSec);
  if (startAt - Date.now() > 1_000) log(`soak: the traffic starts in ${((startAt - Date.now()) / 1000).toFixed(0)} s, just before a generation boundary (the window then fills ${opts.windowSec + 62} s in)`);
  await sleepUntil(startAt - 1_000, opts.signal);
  if (opts.signal.aborted) throw new Error('interrupted before the traffic started');
  const baseline = await takeSample(sampler, ctx, -1, 'baseline', undefined);
  const baselineBytes = stateBytes(baseline);
  const samples: SoakSample[] = [baseline];
  log(`soak: baseline: Redis ${toMb(baseline.redisBytes)} MB; run ${ctx.runId} at ${opts.ratePerSec}/s for ${opts.durationMs / 1000} s`);
  const generatorArgs = ['produce', 'checkout', '--rate', `${opts.ratePerSec}/s`, '--duration', `${opts.durationMs / 1000}s`, '--duplicates', String(DUPLICATES), '--poison', String(POISON), '--run-id', ctx.runId, '--json'];
  await sleepUntil(startAt, opts.signal);
  const startMs = Date.now();
  const generator = new StreamflowProcess(generatorArgs, { logFile: path.join(opts.outDir, 'generator.log'), env: ctx.env });
  ctx.setGenerator(generator);
  let generatorCode: number | null | undefined;
  let trafficEndMs: number | undefined;
  void generator.exited.then((code) => {
    generatorCode = code;
    trafficEndMs = Date.now() - startMs;
  });

  // Samples on a fixed grid; once the generator is done, the lag is also checked every second.
  let drainedAt: number | null = null;
  let tick = 1;
  for (;;) {
    const nextSample = startMs + tick * opts.sampleMs;
    await sleepUntil(trafficEndMs === undefined ? nextSample : Math.min(nextSample, Date.now() + 1_000), opts.signal);
    if (opts.signal.aborted) break;
    const exited = ctx.services.find((s) => s.proc.child.exitCode !== null || s.proc.child.signalCode !== null);
    if (exited) {
      failures.push(`the ${exited.service} service exited early (code ${exited.proc.child.exitCode ?? exited.proc.child.signalCode}): see ${opts.outDir}/${exited.service}.log`);
      break;
    }
    if (Date.now() >= nextSample) {
      const s = await takeSample(sampler, ctx, Date.now() - startMs, trafficEndMs === undefined ? 'traffic' : 'drain', generator.pid);
      samples.push(s);
      log(formatSample(s, samples.at(-2)));
      tick = Math.floor((Date.now() - startMs) / opts.sampleMs) + 1;
    }
    if (trafficEndMs === undefined) continue;
    if (generatorCode !== 0) {
      failures.push(`the generator failed (exit ${generatorCode}): see ${opts.outDir}/generator.log`);
      break;
    }
    if ((await sampler.lag()).maxPartition <= 1) {
      drainedAt = Date.now();
      // The last sample shows the drained state.
      const s = await takeSample(sampler, ctx, drainedAt - startMs, 'drain', undefined);
      samples.push(s);
      log(formatSample(s, samples.at(-2)));
      break;
    }
    if (Date.now() - startMs - trafficEndMs > opts.drainLimitMs) break;
  }
  const interrupted = opts.signal.aborted;
  const endMs = trafficEndMs ?? Date.now() - startMs;
  const drained = drainedAt !== null;
  const drainMs = drained ? drainedAt! - startMs - endMs : null;
  const lagAtEnd = lagAt(samples, 'drain') ?? lagAt(samples, 'traffic');
  if (!interrupted && generatorCode === 0 && !drained && failures.length === 0) failures.push(`the services did not drain within --drain-limit ${opts.drainLimitMs / 1000} s: ${lagAtEnd} records still behind`);
  if (drained) log(`soak: drained ${((drainMs ?? 0) / 1000).toFixed(1)} s after the generator ended`);
  // A soak at a rate the services cannot carry piles up lag (and state at their pace, not the generator's).
  if (drained && drainMs! > KEEP_UP_DRAIN_MS && !interrupted) failures.push(`the services did not keep up with ${opts.ratePerSec}/s: ${lagAt(samples, 'traffic')} records behind at the end of traffic took ${(drainMs! / 1000).toFixed(0)} s to drain (at most ${KEEP_UP_DRAIN_MS / 1000} s)`);

  const produced = generatorCode === undefined ? null : parseLastJson<{ sent: number; created: number; cancelled: number; duplicates: number; poison: number; ratePerSec: number }>(generator.stdout());
  // Stop the services (SIGTERM: each commits its batch in hand) and keep their summaries.
  await Promise.all(ctx.services.map((s) => s.proc.stop()));
  const serviceSummaries = Object.fromEntries(ctx.services.map((s) => [s.service, parseLastJson(s.proc.stdout())]));

  let verify: SoakReport['verify'] = null;
  if (!interrupted && produced) {
    log(`soak: verify --run ${ctx.runId} --store-namespace ${ctx.storeNamespace}`);
    const verifier = new StreamflowProcess(['verify', '--run', ctx.runId, '--store-namespace', ctx.storeNamespace, '--json'], { logFile: path.join(opts.outDir, 'verify.log'), env: ctx.env });
    const code = await verifier.exited;
    const v = parseLastJson<VerifyReport>(verifier.stdout());
    verify = { ok: code === 0 && v?.ok === true, exitCode: code, services: v?.services ?? null, dlq: v?.dlq ?? null, saga: v?.saga ?? null };
    await fs.writeFile(path.join(opts.outDir, 'verify.json'), verifier.stdout());
    if (!verify.ok) {
      failures.push(v ? `verify found discrepancies (see ${opts.outDir}/verify.json; the run's manifest is kept in ${opts.outDir}/manifest)` : `verify failed (exit ${code}): see ${opts.outDir}/verify.log`);
      // For a post-mortem: the private stack, and the manifest in its state dir, are deleted at the end.
      await fs.cp(runDir(ctx.env, ctx.runId), path.join(opts.outDir, 'manifest'), { recursive: true }).catch(() => undefined);
    }
  }

  const flatInput = { samples, startMs, windowSec: opts.windowSec, trafficEndMs: endMs, baselineBytes };
  const flatness = judgeFlatness(flatInput);
  if (flatness.verdict !== 'flat' && !interrupted) failures.push(`memory: ${flatness.reason}`);
  if (interrupted) failures.unshift('interrupted');

  const files = { samplesJson: path.join(opts.outDir, 'samples.json'), samplesCsv: path.join(opts.outDir, 'samples.csv'), plot: path.join(opts.outDir, 'soak.png'), report: path.join(opts.outDir, 'report.json') };
  await fs.writeFile(files.samplesJson, JSON.stringify({ runId: ctx.runId, startedAt: new Date(startMs).toISOString(), windowSec: opts.windowSec, baselineBytes, samples }, null, 1));
  await fs.writeFile(files.samplesCsv, samplesCsv(samples));
  const title = `streamflow soak ${ctx.runId}: ${opts.ratePerSec}/s for ${opts.durationMs / 1000} s, dedup window ${opts.windowSec} s`;
  await fs.writeFile(files.plot, renderSoakPlot(samples, { title, windowFilledAtMs: flatness.windowFilledAtMs, trafficEndMs: endMs }));

  const report: SoakReport = {
    ok: failures.length === 0,
    failures,
    interrupted,
    runId: ctx.runId,
    storeNamespace: ctx.storeNamespace,
    stack: opts.useStack ? 'existing' : opts.redisCluster ? 'private-redis-cluster' : 'private',
    asked: { ratePerSec: opts.ratePerSec, durationSec: opts.durationMs / 1000, windowSec: opts.windowSec, sampleSec: opts.sampleMs / 1000, drainLimitSec: opts.drainLimitMs / 1000 },
    generator: produced ? { ...pick(produced, ['sent', 'created', 'cancelled', 'duplicates', 'poison', 'ratePerSec']), exitCode: generatorCode ?? null } : null,
    rateRatio: produced ? Math.round((produced.ratePerSec / opts.ratePerSec) * 1000) / 1000 : null,
    memory: { ...flatness, ...memoryFigures(flatInput, flatness) },
    rssMaxMb: maxRssMb(samples),
    lag: { atTrafficEnd: lagAt(samples, 'traffic'), drained, drainMs, atEnd: lagAtEnd },
    verify,
    services: serviceSummaries,
    samples: samples.length,
    outDir: opts.outDir,
    files,
    durationMs: Date.now() - ctx.t0,
  };
  await fs.writeFile(files.report, JSON.stringify(report, null, 2));
  return report;
}

async function takeSample(sampler: SoakSampler, ctx: SoakContext, t: number, phase: SoakSample['phase'], generatorPid: number | undefined): Promise<SoakSample> {
  const [mem, audit, lag, handled] = await Promise.all([
    sampler.redisMemory(),
    sampler.auditBytes(),
    sampler.lag(),
    Promise.all(ctx.services.map(async (s) => [s.service, await scrapeCounts(s.port)] as const)),
  ]);
  const pids: Record<SoakProcess, number | undefined> = { generator: generatorPid, ...(Object.fromEntries(ctx.services.map((s) => [s.service, s.proc.pid])) as Record<ServiceName, number>) };
  const { sent, created } = sampler.sent();
  return {
    t,
    phase,
    sent,
    created,
    redisBytes: mem.usedBytes,
    auditBytes: audit,
    redisKeys: mem.keys,
    rssBytes: Object.fromEntries(SOAK_PROCESSES.map((p) => [p, rssBytes(pids[p])])) as Record<SoakProcess, number | null>,
    lag: lag.perService,
    handled: Object.fromEntries(handled.map(([s, c]) => [s, c?.handled ?? null])) as Record<ServiceName, number | null>,
    duplicates: Object.fromEntries(handled.map(([s, c]) => [s, c?.duplicates ?? null])) as Record<ServiceName, number | null>,
  };
}

/** Every stage group of every service has members and is Stable (or a process exited: its log says why). */
async function waitUntilJoined(ctx: SoakContext, groupIds: string[], signal: AbortSignal): Promise<void> {
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (signal.aborted) throw new Error('interrupted while the services were starting');
    const exited = ctx.services.find((s) => s.proc.child.exitCode !== null);
    if (exited) throw new Error(`the ${exited.service} service exited while starting (code ${exited.proc.child.exitCode}): see its log`);
    const described = await ctx.session.groups.describe(groupIds);
    if (described.every((g) => g.state === 'Stable' && g.members.length > 0)) return;
    await delay(500);
  }
  throw new Error(`the services' groups did not all join within ${READY_TIMEOUT_MS / 1000} s`);
}

/** The checkout topics (created if missing) and the contracts, as `topology apply` and `schema register` do. */
async function applyTopology(conn: Connection, signal: AbortSignal): Promise<void> {
  const { plan } = await planTopologyOnCluster(conn, await readTopologyFile(shippedTopologyFile()));
  if (plan.errors.length > 0) throw new Error(`the checkout topology cannot be applied: ${plan.errors.join('; ')}`);
  await executeTopologyPlan(conn, { ...plan, changes: plan.changes.filter((c) => c.action === 'create') });
  const refused = (await registerContracts(new RegistryClient(requireRegistry(conn), { signal }), await loadContracts(shippedContractsDir()))).filter((r) => r.status === 'incompatible');
  if (refused.length > 0) throw new Error(`the registry refused contracts: ${refused.map((r) => r.subject).join(', ')}`);
}

/** The run's own keys on a shared Redis (its store namespace only), once verify has read them. */
async function deleteNamespace(redis: RedisClient, namespace: string, log: (m: string) => void): Promise<void> {
  let deleted = 0;
  for (const node of dataNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `sf:{${namespace}.*`, 'COUNT', 1000);
      cursor = next;
      // One key per UNLINK (on a cluster the keys of one reply live in different slots), pipelined to the node that has them.
      if (keys.length) deleted += ((await keys.reduce((p, k) => p.unlink(k), node.pipeline()).exec()) ?? []).reduce((n, [, r]) => n + Number(r ?? 0), 0);
    } while (cursor !== '0');
  }
  log(`soak: deleted the ${deleted} keys of store namespace ${namespace}`);
}

/** A state dir and config of the soak's own, and none of the STREAMFLOW_* endpoints of the environment (the download cache is shared). */
function privateEnv(root: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('STREAMFLOW_') || k === 'STREAMFLOW_CACHE_DIR' || k === 'STREAMFLOW_REDIS_SERVER'));
  return { ...env, STREAMFLOW_STATE_DIR: path.join(root, 'state'), STREAMFLOW_CONFIG: path.join(root, 'config.yaml'), CI: 'true' };
}

async function sleepUntil(at: number, signal: AbortSignal): Promise<void> {
  const ms = at - Date.now();
  if (ms > 0) await delay(ms, undefined, { signal }).catch(() => undefined);
}

function parseLastJson<T>(stdout: string): T | null {
  const line = stdout.trim().split('\n').pop();
  try {
    return line ? (JSON.parse(line) as T) : null;
  } catch {
    return null;
  }
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}
