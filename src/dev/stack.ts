import fs from 'node:fs/promises';
import path from 'node:path';
import { StreamflowError, UsageError, UnreachableError } from '../errors.js';
import { localContextPath, cacheDir, stateDir } from '../config/paths.js';
import type { Connection } from '../config/resolve-connection.js';
import type { ContextConfig } from '../config/schema.js';
import { probeCluster } from '../kafka/probe.js';
import { RegistryClient, basicAuthorization } from '../schema/registry-client.js';
import { registryAnswers, redisAnswers } from './health.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist } from './kafka-dist.js';
import { type KafkaNodeState, formatNode, randomClusterId, startNode, writeNodeFiles } from './kafka-node.js';
import { pathExists } from './path-exists.js';
import { freePorts, isAlive, spawnDetached, stopProcess, tailFile, waitFor } from './processes.js';
import { ensureRedisBinary } from './redis-binary.js';
import {
  type RedisClusterState,
  type RedisMode,
  type RedisNodeStatus,
  REDIS_CLUSTER_SIZE,
  createRedisCluster,
  planRedisClusterNodes,
  planRedisMode,
  redisClusterLogFile,
  redisClusterNodeName,
  redisClusterNodesAnswer,
  redisClusterReady,
  redisClusterStatus,
  requireRedisCli,
  startRedisClusterNode,
} from './redis-cluster.js';
import { DEFAULT_REGISTRY_VERSION, ensureRegistryDist } from './registry-dist.js';
import { type SecureMaterial, ensureSecureMaterial, readSecureMaterial, writePrivate } from './secure-material.js';
import { javaCommand, javaMajorVersion } from './tools.js';

/** What `dev up` records so status/down act on exactly what it started. */
export interface StackState {
  version: 1;
  kafka: { version: string; clusterId: string; nodes: KafkaNodeState[] };
  registry: { version: string; port: number; pid: number | null; dir: string } | null;
  /** The single Redis (null in a Redis Cluster stack or a Kafka-only one). */
  redis: { port: number; pid: number | null; dir: string; command: string; env: NodeJS.ProcessEnv } | null;
  /** Started with --redis-cluster: six nodes instead of the single Redis; fixed when the stack is created. */
  redisCluster?: RedisClusterState | null;
  /** Started with --secure: SASL_SSL brokers and a registry with basic auth. */
  secure?: boolean;
}

/** The status/up JSON documented in the README (The local stack). */
export interface StackStatus {
  kafka: { bootstrap: string; version: string; clusterId: string; brokers: Array<{ id: number; pid: number | null; port: number; up: boolean }> };
  registry: { url: string; up: boolean; pid: number | null; version: string } | null;
  /**
   * A single Redis, or a Redis Cluster named by its seed URL (redis+cluster://h:p,h:p,h:p) whose
   * `up` is its cluster_state being ok; its `nodes` say which are up and which masters or replicas.
   */
  redis:
    | { mode: 'single'; url: string; up: boolean; pid: number | null }
    | { mode: 'cluster'; url: string; up: boolean; pid: null; state: 'ok' | 'fail' | null; nodes: RedisNodeStatus[] }
    | null;
  /** Kafka SCRAM-SHA-512 over TLS and registry basic auth (the credentials are in the `local` context). */
  secure: boolean;
  stateDir: string;
}

export interface UpOptions {
  brokers?: number;
  kafkaVersion?: string;
  registryVersion?: string;
  /** Leave out the registry and Redis (a Kafka-only cluster, e.g. for failover tests). */
  kafkaOnly?: boolean;
  /** SASL/SCRAM + TLS brokers and a registry with basic auth; fixed when the stack is created. */
  secure?: boolean;
  /** A Redis Cluster (3 masters, 3 replicas) instead of one Redis; undefined keeps a recorded stack's mode. */
  redisCluster?: boolean;
  env: NodeJS.ProcessEnv;
  log: (message: string) => void;
}

/** What `dev up` did to a part: left it running, started it, or stopped it (it did not answer) and started it again. */
export type PartAction = 'kept' | 'started' | 'restarted';

export interface UpResult extends StackStatus {
  /** Every part was answering: nothing was started. */
  alreadyRunning: boolean;
  /** Per part, by the names of `dev status` (kafka-1, registry, redis, or redis-1..redis-6 for a cluster). */
  actions: Record<string, PartAction>;
  timings: { fetchMs: number; startMs: number; totalMs: number };
}

const READY_TIMEOUT_MS = 120_000;

export function stackDir(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir(env), 'dev');
}

export async function readStackState(env: NodeJS.ProcessEnv): Promise<StackState | null> {
  try {
    return JSON.parse(await fs.readFile(path.join(stackDir(env), 'stack.json'), 'utf8')) as StackState;
  } catch {
    return null;
  }
}

async function writeStackState(env: NodeJS.ProcessEnv, state: StackState): Promise<void> {
  await fs.mkdir(stackDir(env), { recursive: true });
  const file = path.join(stackDir(env), 'stack.json');
  await fs.writeFile(`${file}.tmp`, JSON.stringify(state, null, 2));
  await fs.rename(`${file}.tmp`, file);
}

export function registryUrl(port: number): string {
  return `http://127.0.0.1:${port}/apis/ccompat/v7`;
}

export function bootstrapOf(state: StackState): string {
  return state.kafka.nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
}

function secureDir(env: NodeJS.ProcessEnv): string {
  return path.join(stackDir(env), 'secure');
}

async function secureMaterialOf(env: NodeJS.ProcessEnv, state: StackState): Promise<SecureMaterial | undefined> {
  return state.secure ? ((await readSecureMaterial(secureDir(env))) ?? undefined) : undefined;
}

/** How the stack's own health checks reach the brokers (as a client of the secure listener when secure). */
function clusterConnection(state: StackState, secure: SecureMaterial | undefined): Connection {
  const conn: Connection = { context: null, brokers: bootstrapOf(state).split(','), sources: {} };
  if (secure) {
    conn.sasl = { mechanism: 'scram-sha-512', username: secure.kafka.username, password: secure.kafka.password };
    conn.tls = { ca: secure.caPem, rejectUnauthorized: true };
  }
  return conn;
}

function registryHeaders(secure: SecureMaterial | undefined): Record<string, string> {
  const authorization = secure && basicAuthorization(secure.registry.username, secure.registry.password);
  return authorization ? { Authorization: authorization } : {};
}

/** Start the local stack, or report the one already running; of a partly broken one, restart only the parts that do not answer. Idempotent. */
export async function devUp(opts: UpOptions): Promise<UpResult> {
  const t0 = Date.now();
  const { env, log } = opts;
  const wantBrokers = opts.brokers ?? 1;
  if (wantBrokers !== 1 && wantBrokers !== 3) throw new UsageError(`--brokers must be 1 or 3, got ${wantBrokers}`);
  const previous = await readStackState(env);
  if (previous && opts.secure && !previous.secure) {
    throw new UsageError('the local stack was created without --secure', 'run `streamflow dev down --purge` first to recreate it secured');
  }
  if (opts.redisCluster && opts.kafkaOnly) throw new UsageError('--redis-cluster and --kafka-only do not go together', 'drop one of them');
  const redisMode = planRedisMode(recordedRedisMode(previous), opts.redisCluster);
  if (redisMode.notice) log(redisMode.notice);
  const status = previous ? await devStatus(env) : null;
  if (previous && status) {
    if (previous.kafka.nodes.length !== wantBrokers && opts.brokers !== undefined) {
      throw new UsageError(
        `the local stack has ${previous.kafka.nodes.length} broker(s), not ${wantBrokers}`,
        `run \`streamflow dev down --purge\` first, or omit --brokers`,
      );
    }
    if (opts.kafkaVersion && opts.kafkaVersion !== previous.kafka.version) {
      throw new UsageError(`the local stack's data is Kafka ${previous.kafka.version}, not ${opts.kafkaVersion}`, 'run `streamflow dev down --purge` first');
    }
    const missing = !opts.kafkaOnly && (!previous.registry || recordedRedisMode(previous) === null);
    if (isHealthy(status) && !missing) {
      await writeLocalContext(env, status, await secureMaterialOf(env, previous));
      const actions = Object.fromEntries(partsOf(previous).map((p) => [p.name, 'kept' as const]));
      return { ...status, alreadyRunning: true, actions, timings: { fetchMs: 0, startMs: 0, totalMs: Date.now() - t0 } };
    }
  }

  const java = javaCommand(env);
  const javaMajor = await javaMajorVersion(env);
  if (javaMajor < 17) throw new UsageError(`Java ${javaMajor} is too old: Kafka 4 and the registry need Java 17+`, 'install openjdk-17-jre-headless or set JAVA_HOME');

  const kafkaVersion = previous?.kafka.version ?? opts.kafkaVersion ?? DEFAULT_KAFKA_VERSION;
  // A recorded stack keeps its registry and Redis; --kafka-only only leaves them out of a new one.
  const withExtras = !opts.kafkaOnly || Boolean(previous?.registry || recordedRedisMode(previous));
  const secure = previous?.secure ?? opts.secure ?? false;
  const cache = cacheDir(env);
  const tFetch = Date.now();
  const [dist, registryJar, redisBinary, material] = await Promise.all([
    ensureKafkaDist(kafkaVersion, cache, log),
    withExtras ? ensureRegistryDist(previous?.registry?.version ?? opts.registryVersion ?? DEFAULT_REGISTRY_VERSION, cache, log) : null,
    withExtras ? ensureRedisBinary(env, cache, log) : null,
    secure ? ensureSecureMaterial(secureDir(env), env) : undefined,
  ]);
  const fetchMs = Date.now() - tFetch;
  const tStart = Date.now();
  const withCluster = Boolean(redisBinary) && redisMode.mode === 'cluster';
  if (withCluster && !previous?.redisCluster?.created) await requireRedisCli(redisBinary!.cli);

  const dir = stackDir(env);
  // Brokers (client + controller port), registry, single Redis, then a cluster's client and bus ports.
  const basePorts = wantBrokers * 2 + 2;
  const ports = await freePorts(basePorts + (withCluster && !previous?.redisCluster ? REDIS_CLUSTER_SIZE * 2 : 0));
  // Parts of a recorded stack keep their ports, data and, when they answer, their processes.
  const nodes: KafkaNodeState[] =
    previous?.kafka.nodes.map((n) => ({ ...n })) ??
    Array.from({ length: wantBrokers }, (_, i) => ({
      id: i + 1,
      port: ports[i * 2]!,
      controllerPort: ports[i * 2 + 1]!,
      pid: null,
      dir: path.join(dir, `kafka-${i + 1}`),
    }));
  const clusterId = previous?.kafka.clusterId ?? (await randomClusterId(dist, java, env));
  const state: StackState = {
    version: 1,
    kafka: { version: kafkaVersion, clusterId, nodes },
    registry: registryJar
      ? {
          version: previous?.registry?.version ?? opts.registryVersion ?? DEFAULT_REGISTRY_VERSION,
          port: previous?.registry?.port ?? ports[basePorts - 2]!,
          pid: previous?.registry?.pid ?? null,
          dir: path.join(dir, 'registry'),
        }
      : null,
    redis:
      redisBinary && !withCluster
        ? { port: previous?.redis?.port ?? ports[basePorts - 1]!, pid: previous?.redis?.pid ?? null, dir: path.join(dir, 'redis'), command: redisBinary.command, env: redisBinary.env }
        : null,
    ...(redisBinary && withCluster
      ? {
          redisCluster: {
            command: redisBinary.command,
            cli: redisBinary.cli,
            env: redisBinary.env,
            nodes: previous?.redisCluster?.nodes.map((n) => ({ ...n })) ?? planRedisClusterNodes(dir, ports.slice(basePorts)),
            created: previous?.redisCluster?.created ?? false,
          },
        }
      : {}),
    ...(secure ? { secure } : {}),
  };

  const actions = planPartActions(partsOf(state), answering(status));
  const toStart = new Set(Object.keys(actions).filter((name) => actions[name] !== 'kept'));
  const restarted = [...toStart].filter((name) => actions[name] === 'restarted');
  const kept = Object.keys(actions).filter((name) => actions[name] === 'kept');
  if (restarted.length > 0) log(`Not answering: ${restarted.join(', ')}; restarting ${restarted.length === 1 ? 'it' : 'them'}${kept.length > 0 ? ` (${kept.join(', ')} keep running)` : ''}.`);
  // A hung or frozen process still holds its port and data dir: it must be gone before its successor starts.
  await Promise.all(partsOf(state).filter((p) => toStart.has(p.name)).map((p) => stopPart(p)));

  const starting = nodes.filter((n) => toStart.has(`kafka-${n.id}`));
  await Promise.all(starting.map(async (n) => {
    await writeNodeFiles(n, nodes, dist, material);
    await formatNode(n, clusterId, dist, java, env, material);
  }));
  for (const n of starting) n.pid = startNode(n, dist, java, env);
  if (state.registry && registryJar && toStart.has('registry')) state.registry.pid = await startRegistry(state.registry, registryJar, java, env, material);
  if (state.redis && toStart.has('redis')) state.redis.pid = await startRedis(state.redis, env);
  const cluster = state.redisCluster;
  if (cluster) {
    for (const [i, n] of cluster.nodes.entries()) if (toStart.has(redisClusterNodeName(i))) n.pid = await startRedisClusterNode(cluster, n, env);
  }
  await writeStackState(env, state);
  if (toStart.size > 0) log(`Starting ${[...toStart].join(', ')} (Kafka ${kafkaVersion}, ${nodes.length} broker${nodes.length > 1 ? 's' : ''})...`);

  try {
    await Promise.all([
      waitUntil('Kafka', () => kafkaReady(state, material), nodes.map((n) => path.join(n.dir, 'server.log')), state),
      state.registry ? waitUntil('the schema registry', () => registryAnswers(registryUrl(state.registry!.port), registryHeaders(material)), [path.join(state.registry.dir, 'registry.log')], state) : null,
      state.redis ? waitUntil('Redis', () => redisAnswers(state.redis!.port), [path.join(state.redis.dir, 'redis.log')], state) : null,
      cluster ? clusterUp(env, state, cluster, log) : null,
    ]);
    // Confluent's default is BACKWARD, Apicurio's is NONE: make the local registry behave like Confluent.
    if (state.registry && toStart.has('registry')) await new RegistryClient({ url: registryUrl(state.registry.port), ...(material ? material.registry : {}) }).setCompatibility('BACKWARD');
  } catch (err) {
    // Stop what this run started; parts that were answering before keep running.
    await Promise.all(partsOf(state).filter((p) => toStart.has(p.name) && p.pid !== null).map((p) => stopProcess(p.pid!)));
    throw err;
  }
  const final = (await devStatus(env))!;
  await writeLocalContext(env, final, material);
  return { ...final, alreadyRunning: false, actions, timings: { fetchMs, startMs: Date.now() - tStart, totalMs: Date.now() - t0 } };
}

/**
 * Nodes answer; a new cluster is created (once: from then on the nodes' nodes.conf hold it, and
 * restarted nodes rejoin from it); then every node says cluster_state:ok with its replicas in sync.
 */
async function clusterUp(env: NodeJS.ProcessEnv, state: StackState, cluster: RedisClusterState, log: (m: string) => void): Promise<void> {
  const logs = cluster.nodes.map(redisClusterLogFile);
  await waitUntil('the Redis Cluster nodes', () => redisClusterNodesAnswer(cluster), logs, state);
  if (!cluster.created) {
    log(`Creating the Redis Cluster (${cluster.nodes.length} nodes: 3 masters, 3 replicas) with redis-cli --cluster create...`);
    await createRedisCluster(cluster, env);
    cluster.created = true;
    await writeStackState(env, state);
  }
  await waitUntil('the Redis Cluster', () => redisClusterReady(cluster), logs, state);
}

function recordedRedisMode(state: StackState | null): RedisMode | null {
  return state?.redisCluster ? 'cluster' : state?.redis ? 'single' : null;
}

/** One process of the stack, named as `dev status` and `dev down` name it. */
export interface StackPart {
  name: string;
  pid: number | null;
}

function partsOf(state: StackState): StackPart[] {
  return [
    ...state.kafka.nodes.map((n) => ({ name: `kafka-${n.id}`, pid: n.pid })),
    ...(state.registry ? [{ name: 'registry', pid: state.registry.pid }] : []),
    ...(state.redis ? [{ name: 'redis', pid: state.redis.pid }] : []),
    ...(state.redisCluster?.nodes.map((n, i) => ({ name: redisClusterNodeName(i), pid: n.pid })) ?? []),
  ];
}

/** The parts whose process is alive and whose endpoint answers. */
function answering(status: StackStatus | null): Set<string> {
  if (!status) return new Set();
  return new Set([
    ...status.kafka.brokers.filter((b) => b.up).map((b) => `kafka-${b.id}`),
    ...(status.registry?.up ? ['registry'] : []),
    ...(status.redis?.mode === 'single' && status.redis.up ? ['redis'] : []),
    ...(status.redis?.mode === 'cluster' ? status.redis.nodes.filter((n) => n.up).map((n) => n.name) : []),
  ]);
}

/**
 * What `dev up` does to each part: keep one that answers; restart one recorded as running
 * that does not (hung, frozen or dead); start one that was not running (new, or after `dev down`).
 */
export function planPartActions(parts: StackPart[], answers: Set<string>): Record<string, PartAction> {
  return Object.fromEntries(parts.map((p) => [p.name, answers.has(p.name) ? 'kept' : p.pid !== null ? 'restarted' : 'started']));
}

async function stopPart(part: StackPart): Promise<void> {
  if (part.pid === null || !isAlive(part.pid)) return;
  await stopProcess(part.pid);
  if (isAlive(part.pid)) throw new StreamflowError(`${part.name} (pid ${part.pid}) does not answer and could not be stopped`, 1, `stop it by hand, then run \`streamflow dev up\` again`);
}

async function kafkaReady(state: StackState, secure: SecureMaterial | undefined): Promise<boolean> {
  try {
    const probe = await probeCluster(clusterConnection(state, secure));
    return probe.brokers.length === state.kafka.nodes.length && probe.controller !== null;
  } catch {
    return false;
  }
}

/** Poll `check` until it passes; fail early (with the log's tail) if a process died. */
async function waitUntil(what: string, check: () => Promise<boolean>, logs: string[], state: StackState): Promise<void> {
  let died: number | undefined;
  const ok = await waitFor(async () => {
    died = allProcesses(state).find((pid) => !isAlive(pid));
    return died !== undefined || (await check());
  }, READY_TIMEOUT_MS, 300);
  if (ok && died === undefined) return;
  const tail = logs.map((l) => `--- ${l}\n${tailFile(l, 15)}`).join('\n');
  throw new StreamflowError(
    died !== undefined ? `${what} did not start: process ${died} exited` : `${what} did not become ready within ${READY_TIMEOUT_MS / 1000} s`,
    1,
    `last log lines:\n${tail}`,
  );
}

async function startRegistry(reg: NonNullable<StackState['registry']>, jar: string, java: string, env: NodeJS.ProcessEnv, secure?: SecureMaterial): Promise<number> {
  await fs.mkdir(path.join(reg.dir, 'data'), { recursive: true });
  if (secure) await writeRegistryAuth(reg.dir, secure);
  return spawnDetached(
    java,
    [
      '-Xms128m',
      '-Xmx384m',
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${reg.port}`,
      // Kept on disk so registered ids survive `dev down` / `dev up` like the topics do.
      `-Dapicurio.datasource.url=jdbc:h2:file:${path.join(reg.dir, 'data', 'registry')}`,
      '-Dapicurio.rules.global.compatibility=BACKWARD',
      '-jar',
      jar,
    ],
    { logFile: path.join(reg.dir, 'registry.log'), cwd: reg.dir, env },
  );
}

/**
 * Basic auth on every path of the registry, without an OIDC server: Quarkus' HTTP basic auth
 * with the embedded users realm, which Apicurio 3.0 ships. Quarkus reads config/application.properties
 * from the working directory, so the password stays in a 0600 file, off the command line.
 */
async function writeRegistryAuth(dir: string, secure: SecureMaterial): Promise<void> {
  await fs.mkdir(path.join(dir, 'config'), { recursive: true, mode: 0o700 });
  const { username, password } = secure.registry;
  const props = [
    'quarkus.http.auth.basic=true',
    'quarkus.security.users.embedded.enabled=true',
    'quarkus.security.users.embedded.plain-text=true',
    `quarkus.security.users.embedded.users.${username}=${password}`,
    `quarkus.security.users.embedded.roles.${username}=sr-admin`,
    'quarkus.http.auth.permission.everything.paths=/*',
    'quarkus.http.auth.permission.everything.policy=authenticated',
  ];
  await writePrivate(path.join(dir, 'config', 'application.properties'), props.join('\n') + '\n');
}

async function startRedis(redis: NonNullable<StackState['redis']>, env: NodeJS.ProcessEnv): Promise<number> {
  await fs.mkdir(path.join(redis.dir, 'data'), { recursive: true });
  return spawnDetached(
    redis.command,
    [
      '--bind', '127.0.0.1',
      '--port', String(redis.port),
      '--dir', path.join(redis.dir, 'data'),
      // Append-only, fsynced before Redis answers: the services commit their Kafka offsets once
      // Redis acknowledged the effects, so an acknowledged write must survive a SIGKILL (fsync
      // every second lost up to a second of them: an effect applied, its offset committed, gone).
      '--appendonly', 'yes',
      '--appendfsync', 'always',
      '--save', '',
      '--daemonize', 'no',
      '--protected-mode', 'yes',
    ],
    { logFile: path.join(redis.dir, 'redis.log'), cwd: redis.dir, env: { ...env, ...redis.env } },
  );
}

function allProcesses(state: StackState): number[] {
  return [...state.kafka.nodes.map((n) => n.pid), state.registry?.pid, state.redis?.pid, ...(state.redisCluster?.nodes.map((n) => n.pid) ?? [])].filter(
    (p): p is number => typeof p === 'number',
  );
}

function isHealthy(status: StackStatus): boolean {
  const redisWhole = status.redis?.mode === 'cluster' ? status.redis.up && status.redis.nodes.every((n) => n.up) : (status.redis?.up ?? true);
  return status.kafka.brokers.every((b) => b.up) && (status.registry?.up ?? true) && redisWhole;
}

/** Live status of the recorded stack: pids alive and each endpoint answering. */
export async function devStatus(env: NodeJS.ProcessEnv): Promise<StackStatus | null> {
  const state = await readStackState(env);
  if (!state) return null;
  const secure = await secureMaterialOf(env, state);
  const kafkaAnswers = await kafkaBrokersUp(state, secure);
  return {
    kafka: {
      bootstrap: bootstrapOf(state),
      version: state.kafka.version,
      clusterId: state.kafka.clusterId,
      brokers: state.kafka.nodes.map((n) => ({ id: n.id, pid: n.pid, port: n.port, up: n.pid !== null && isAlive(n.pid) && kafkaAnswers.has(n.id) })),
    },
    registry: state.registry
      ? {
          url: registryUrl(state.registry.port),
          version: state.registry.version,
          pid: state.registry.pid,
          up: state.registry.pid !== null && isAlive(state.registry.pid) && (await registryAnswers(registryUrl(state.registry.port), registryHeaders(secure))),
        }
      : null,
    redis: state.redis
      ? { mode: 'single', url: `redis://127.0.0.1:${state.redis.port}`, pid: state.redis.pid, up: state.redis.pid !== null && isAlive(state.redis.pid) && (await redisAnswers(state.redis.port)) }
      : state.redisCluster
        ? await clusterStatusOf(state.redisCluster)
        : null,
    secure: Boolean(state.secure),
    stateDir: stackDir(env),
  };
}

async function clusterStatusOf(cluster: RedisClusterState): Promise<NonNullable<StackStatus['redis']>> {
  const live = await redisClusterStatus(cluster);
  return { mode: 'cluster', url: live.url, up: live.state === 'ok', pid: null, state: live.state, nodes: live.nodes };
}

/**
 * The brokers that answer at their own address and that the cluster lists. Asking each one, not
 * the cluster, catches a hung broker the controller has not fenced yet.
 */
async function kafkaBrokersUp(state: StackState, secure: SecureMaterial | undefined): Promise<Set<number>> {
  const conn = clusterConnection(state, secure);
  const alive = state.kafka.nodes.filter((n) => n.pid !== null && isAlive(n.pid));
  const answering = await Promise.all(
    alive.map(async (n) => {
      try {
        const probe = await probeCluster({ ...conn, brokers: [`127.0.0.1:${n.port}`] });
        return probe.brokers.some((b) => b.nodeId === n.id) ? [n.id] : [];
      } catch (err) {
        if (err instanceof UnreachableError) return [];
        throw err;
      }
    }),
  );
  return new Set(answering.flat());
}

async function writeLocalContext(env: NodeJS.ProcessEnv, status: StackStatus, secure?: SecureMaterial): Promise<void> {
  const ctx: ContextConfig = { brokers: status.kafka.bootstrap.split(',') };
  if (status.registry) ctx.registry = { url: status.registry.url };
  if (status.redis) ctx.redis = { url: status.redis.url };
  await fs.mkdir(path.dirname(localContextPath(env)), { recursive: true });
  if (!secure) return fs.writeFile(localContextPath(env), JSON.stringify(ctx, null, 2));
  ctx.sasl = { mechanism: 'scram-sha-512', username: secure.kafka.username, password: secure.kafka.password };
  ctx.tls = { ca: secure.caPem, rejectUnauthorized: true };
  if (ctx.registry) ctx.registry = { ...ctx.registry, username: secure.registry.username, password: secure.registry.password };
  // The context carries the passwords: readable by its owner only.
  await writePrivate(localContextPath(env), JSON.stringify(ctx, null, 2));
}

async function stopAll(state: StackState): Promise<Array<{ what: string; pid: number; result: string }>> {
  const targets = [
    ...state.kafka.nodes.map((n) => ({ what: `kafka-${n.id}`, pid: n.pid })),
    { what: 'registry', pid: state.registry?.pid ?? null },
    { what: 'redis', pid: state.redis?.pid ?? null },
    ...(state.redisCluster?.nodes.map((n, i) => ({ what: redisClusterNodeName(i), pid: n.pid })) ?? []),
  ].filter((t): t is { what: string; pid: number } => t.pid !== null);
  return Promise.all(targets.map(async (t) => ({ ...t, result: await stopProcess(t.pid) })));
}

export interface DownResult {
  stopped: Array<{ what: string; pid: number; result: string }>;
  purged: boolean;
}

/** Stop exactly the processes `up` recorded; `purge` also deletes their data. */
export async function devDown(env: NodeJS.ProcessEnv, opts: { purge?: boolean } = {}): Promise<DownResult> {
  const state = await readStackState(env);
  const stopped = state ? await stopAll(state) : [];
  if (state && !opts.purge) {
    for (const n of state.kafka.nodes) n.pid = null;
    if (state.registry) state.registry.pid = null;
    if (state.redis) state.redis.pid = null;
    for (const n of state.redisCluster?.nodes ?? []) n.pid = null;
    await writeStackState(env, state);
  }
  await fs.rm(localContextPath(env), { force: true });
  if (opts.purge) await fs.rm(stackDir(env), { recursive: true, force: true });
  return { stopped, purged: Boolean(opts.purge) };
}

export type LogTarget = 'kafka' | 'registry' | 'redis';

/** The log files of the stack, per part, with their last lines. */
export async function devLogs(env: NodeJS.ProcessEnv, target: LogTarget | undefined, lines: number): Promise<Array<{ name: string; file: string; tail: string }>> {
  const state = await readStackState(env);
  if (!state) throw new UsageError('no local stack has been started', 'run `streamflow dev up`');
  const files: Array<{ name: string; file: string }> = [];
  if (!target || target === 'kafka') for (const n of state.kafka.nodes) files.push({ name: `kafka-${n.id}`, file: path.join(n.dir, 'server.log') });
  if ((!target || target === 'registry') && state.registry) files.push({ name: 'registry', file: path.join(state.registry.dir, 'registry.log') });
  if ((!target || target === 'redis') && state.redis) files.push({ name: 'redis', file: path.join(state.redis.dir, 'redis.log') });
  if (!target || target === 'redis') for (const [i, n] of (state.redisCluster?.nodes ?? []).entries()) files.push({ name: redisClusterNodeName(i), file: redisClusterLogFile(n) });
  const present = [];
  for (const f of files) if (await pathExists(f.file)) present.push({ ...f, tail: tailFile(f.file, lines) });
  return present;
}

/** Restart one stopped or killed broker of the recorded stack (failover tests, chaos runs). */
export async function restartBroker(env: NodeJS.ProcessEnv, id: number): Promise<number> {
  const state = await readStackState(env);
  const node = state?.kafka.nodes.find((n) => n.id === id);
  if (!state || !node) throw new UsageError(`no broker ${id} in the local stack`);
  if (node.pid && isAlive(node.pid)) return node.pid;
  const dist = await ensureKafkaDist(state.kafka.version, cacheDir(env), () => undefined);
  node.pid = startNode(node, dist, javaCommand(env), env);
  await writeStackState(env, state);
  return node.pid;
}

/**
 * Restart the stopped or killed Redis of the recorded stack on its port, on its data (chaos runs).
 * In a Redis Cluster stack, `port` names the node; it rejoins from its nodes.conf (a master that
 * was failed over comes back as a replica of its successor).
 */
export async function restartRedis(env: NodeJS.ProcessEnv, port?: number): Promise<number> {
  const state = await readStackState(env);
  if (state?.redisCluster) {
    const cluster = state.redisCluster;
    const node = cluster.nodes.find((n) => n.port === port);
    if (!node) throw new UsageError(`no Redis Cluster node on port ${port ?? '(none given)'} in the local stack`, `name one of ${cluster.nodes.map((n) => n.port).join(', ')}`);
    if (node.pid && isAlive(node.pid)) return node.pid;
    node.pid = await startRedisClusterNode(cluster, node, env);
    await writeStackState(env, state);
    return node.pid;
  }
  if (!state?.redis) throw new UsageError('no Redis in the local stack');
  if (state.redis.pid && isAlive(state.redis.pid)) return state.redis.pid;
  state.redis.pid = await startRedis(state.redis, env);
  await writeStackState(env, state);
  return state.redis.pid;
}

/**
 * The Redis Cluster's nodes live, with their pids and roles (tests and chaos runs pick a master
 * to SIGKILL from it); throws when the recorded stack has no Redis Cluster.
 */
export async function redisClusterNodes(env: NodeJS.ProcessEnv): Promise<Array<RedisNodeStatus & { port: number }>> {
  const state = await readStackState(env);
  if (!state?.redisCluster) throw new UsageError('the local stack has no Redis Cluster', 'start one with `streamflow dev up --redis-cluster` (on a new or purged stack)');
  const live = await redisClusterStatus(state.redisCluster);
  return live.nodes.map((n, i) => ({ ...n, port: state.redisCluster!.nodes[i]!.port }));
}
