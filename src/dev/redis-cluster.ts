import fs from 'node:fs/promises';
import path from 'node:path';
import { clusterUrl } from '../config/redis-url.js';
import { StreamflowError, UsageError } from '../errors.js';
import { redisAnswers, redisCommand } from './health.js';
import { isAlive, spawnDetached } from './processes.js';
import { runTool } from './tools.js';

/**
 * The local Redis Cluster of `dev up --redis-cluster`: six redis-server processes on loopback
 * (three masters, one replica each), made into a cluster once with `redis-cli --cluster create`.
 * Each node keeps its cluster membership in its own nodes.conf, so a restarted node (or the
 * whole cluster after `dev down`) rejoins as it was; the cluster is never created twice.
 */

export const REDIS_CLUSTER_MASTERS = 3;
export const REDIS_CLUSTER_REPLICAS_PER_MASTER = 1;
export const REDIS_CLUSTER_SIZE = REDIS_CLUSTER_MASTERS * (1 + REDIS_CLUSTER_REPLICAS_PER_MASTER);
/** How long a master may be silent before its replica is promoted. */
export const REDIS_CLUSTER_NODE_TIMEOUT_MS = 2_000;
const CLI_INSTALL_HINT = 'install redis-tools (`apt-get install redis-tools`), or point STREAMFLOW_REDIS_CLI at a redis-cli binary';

export interface RedisClusterNodeState {
  port: number;
  /** The cluster bus port, chosen free like the client port (port + 10000 may be taken or out of range). */
  busPort: number;
  pid: number | null;
  dir: string;
}

/** What the state file records of a Redis Cluster stack. */
export interface RedisClusterState {
  command: string;
  cli: string;
  /** Extra env (LD_LIBRARY_PATH) for binaries unpacked from Debian packages. */
  env: NodeJS.ProcessEnv;
  nodes: RedisClusterNodeState[];
  /** `redis-cli --cluster create` succeeded: the nodes' nodes.conf hold the cluster from now on. */
  created: boolean;
}

export type RedisMode = 'single' | 'cluster';

/** One node as `dev status` shows it; the role is what the node itself says in CLUSTER NODES. */
export interface RedisNodeStatus {
  /** The part name (redis-1 .. redis-6), as in `dev up` actions and `dev down`. */
  name: string;
  address: string;
  pid: number | null;
  up: boolean;
  /** null while the node does not answer. */
  role: 'master' | 'replica' | null;
  /** For a replica: the address of the master it follows. */
  master?: string;
  /** For a master: the slot ranges it serves (e.g. "0-5460"). */
  slots?: string[];
}

export interface RedisClusterStatus {
  /** The seed URL clients and contexts use. */
  url: string;
  /** cluster_state as the answering nodes report it: ok only when every one says ok; null when none answers. */
  state: 'ok' | 'fail' | null;
  nodes: RedisNodeStatus[];
}

/**
 * Which Redis a `dev up` runs. A recorded stack keeps its mode: without the flag it says that it
 * keeps the cluster; asking for the other mode needs the stack purged first, as --brokers does.
 */
export function planRedisMode(recorded: RedisMode | null, requested: boolean | undefined): { mode: RedisMode; notice?: string } {
  if (recorded === null) return { mode: requested ? 'cluster' : 'single' };
  if (recorded === 'cluster' && requested === false) {
    throw new UsageError('the local stack runs a Redis Cluster, not a single Redis', 'run `streamflow dev down --purge` first to recreate it with a single Redis, or omit --no-redis-cluster');
  }
  if (recorded === 'single' && requested === true) {
    throw new UsageError('the local stack has a single Redis, not a Redis Cluster', 'run `streamflow dev down --purge` first (it deletes the topics, schemas and Redis data) to recreate it with --redis-cluster');
  }
  if (recorded === 'cluster' && requested === undefined) {
    return { mode: 'cluster', notice: 'The local stack runs a Redis Cluster (made with --redis-cluster): keeping it. For a single Redis, `streamflow dev down --purge` first.' };
  }
  return { mode: recorded };
}

/** Ports for the nodes: the first REDIS_CLUSTER_SIZE are client ports, the next as many the bus ports. */
export function planRedisClusterNodes(stackDir: string, ports: number[]): RedisClusterNodeState[] {
  if (ports.length !== REDIS_CLUSTER_SIZE * 2 || new Set(ports).size !== ports.length) {
    throw new Error(`a Redis Cluster needs ${REDIS_CLUSTER_SIZE * 2} distinct ports, got ${ports.join(',')}`);
  }
  return ports.slice(0, REDIS_CLUSTER_SIZE).map((port, i) => ({
    port,
    busPort: ports[REDIS_CLUSTER_SIZE + i]!,
    pid: null,
    dir: path.join(stackDir, 'redis-cluster', `node-${port}`),
  }));
}

export function redisClusterNodeName(index: number): string {
  return `redis-${index + 1}`;
}

/** redis-server's arguments for one node: cluster mode, append-only with fsync every second, loopback only. */
export function redisClusterNodeArgs(node: RedisClusterNodeState): string[] {
  return [
    '--bind', '127.0.0.1',
    '--port', String(node.port),
    '--cluster-port', String(node.busPort),
    '--dir', node.dir,
    '--cluster-enabled', 'yes',
    // Relative to --dir: each node its own.
    '--cluster-config-file', 'nodes.conf',
    '--cluster-node-timeout', String(REDIS_CLUSTER_NODE_TIMEOUT_MS),
    '--appendonly', 'yes',
    '--appendfsync', 'everysec',
    '--save', '',
    '--daemonize', 'no',
    '--protected-mode', 'yes',
  ];
}

/** redis-cli's arguments to make the nodes one cluster; the first REDIS_CLUSTER_MASTERS become the masters. */
export function redisClusterCreateArgs(nodes: RedisClusterNodeState[]): string[] {
  return ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(REDIS_CLUSTER_REPLICAS_PER_MASTER), '--cluster-yes'];
}

/** The seed URL of the cluster (its first three nodes; a client discovers the rest from any one). */
export function redisClusterSeedUrl(nodes: RedisClusterNodeState[]): string {
  return clusterUrl(nodes.slice(0, REDIS_CLUSTER_MASTERS).map((n) => ({ host: '127.0.0.1', port: n.port })));
}

export interface ClusterNodesLine {
  id: string;
  /** host:port (without the bus port or hostname). */
  address: string;
  flags: string[];
  masterId: string | null;
  linkState: string;
  slots: string[];
}

/** The lines of a CLUSTER NODES reply. */
export function parseClusterNodes(text: string): ClusterNodesLine[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [id = '', addr = '', flags = '', master = '-', , , , linkState = '', ...slots] = line.split(' ');
      return { id, address: addr.replace(/[@,].*$/, ''), flags: flags.split(','), masterId: master === '-' ? null : master, linkState, slots };
    });
}

/** The fields of a CLUSTER INFO (or INFO) reply. */
export function parseInfoFields(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) fields[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return fields;
}

/** A node's role as it says itself (its `myself` line), with its master's address or its slots. */
export function roleInView(view: ClusterNodesLine[]): Pick<RedisNodeStatus, 'role' | 'master' | 'slots'> {
  const me = view.find((l) => l.flags.includes('myself'));
  if (!me) return { role: null };
  if (me.flags.includes('slave')) {
    const master = view.find((l) => l.id === me.masterId);
    return { role: 'replica', ...(master ? { master: master.address } : {}) };
  }
  return { role: 'master', slots: me.slots.filter((s) => !s.startsWith('[')) };
}

/** ok only when every answering node says ok; null when none answers. */
export function combineClusterState(states: Array<string | undefined>): 'ok' | 'fail' | null {
  const known = states.filter((s): s is string => s !== undefined);
  if (known.length === 0) return null;
  return known.every((s) => s === 'ok') ? 'ok' : 'fail';
}

export async function startRedisClusterNode(cluster: RedisClusterState, node: RedisClusterNodeState, env: NodeJS.ProcessEnv): Promise<number> {
  await fs.mkdir(node.dir, { recursive: true });
  return spawnDetached(cluster.command, redisClusterNodeArgs(node), { logFile: path.join(node.dir, 'redis.log'), cwd: node.dir, env: { ...env, ...cluster.env } });
}

export function redisClusterLogFile(node: RedisClusterNodeState): string {
  return path.join(node.dir, 'redis.log');
}

/** Every node answers PING. */
export async function redisClusterNodesAnswer(cluster: RedisClusterState): Promise<boolean> {
  return (await Promise.all(cluster.nodes.map((n) => redisAnswers(n.port)))).every(Boolean);
}

/**
 * Make the nodes one cluster. Only for a cluster not created yet: a node left over from an attempt
 * that failed part-way is emptied and reset first, so a second `dev up` can create it again.
 */
export async function createRedisCluster(cluster: RedisClusterState, env: NodeJS.ProcessEnv): Promise<void> {
  if (cluster.created) throw new Error('the Redis Cluster exists already: it is never created twice');
  for (const n of cluster.nodes) {
    // A master with keys refuses RESET until flushed; a replica refuses FLUSHALL until reset.
    for (const args of [['CLUSTER', 'RESET', 'HARD'], ['FLUSHALL'], ['CLUSTER', 'RESET', 'HARD']]) await redisCommand(n.port, args);
  }
  try {
    await runTool(cluster.cli, redisClusterCreateArgs(cluster.nodes), { env: { ...env, ...cluster.env }, install: CLI_INSTALL_HINT, timeoutMs: 60_000 });
  } catch (err) {
    if (err instanceof StreamflowError) throw err;
    // eslint-disable-next-line no-control-regex
    const message = (err as Error).message.replace(/\x1b\[[0-9;]*m/g, '');
    throw new StreamflowError(`could not create the Redis Cluster: ${message}`, 1, 'see `streamflow dev logs redis`; `streamflow dev down --purge` starts over');
  }
}

/** The redis-cli to create the cluster with is there (checked before any node starts). */
export async function requireRedisCli(cli: string): Promise<void> {
  try {
    await fs.access(cli, fs.constants.X_OK);
  } catch {
    throw new UsageError(`redis-cli is missing (looked for ${cli}); it creates the Redis Cluster`, CLI_INSTALL_HINT);
  }
}

/**
 * Ready for clients: every node says cluster_state:ok, and every replica has its link to its
 * master up (so a WAIT right after `dev up` finds the replicas in sync).
 */
export async function redisClusterReady(cluster: RedisClusterState): Promise<boolean> {
  const ready = await Promise.all(
    cluster.nodes.map(async (n) => {
      const info = await redisCommand(n.port, ['CLUSTER', 'INFO']);
      if (!info?.ok || typeof info.value !== 'string' || parseInfoFields(info.value).cluster_state !== 'ok') return false;
      const replication = await redisCommand(n.port, ['INFO', 'replication']);
      if (!replication?.ok || typeof replication.value !== 'string') return false;
      const fields = parseInfoFields(replication.value);
      return fields.role === 'master' || fields.master_link_status === 'up';
    }),
  );
  return ready.every(Boolean);
}

/** Each node live: its process, whether it answers, and its role from its own CLUSTER NODES. */
export async function redisClusterStatus(cluster: RedisClusterState): Promise<RedisClusterStatus> {
  const nodes = await Promise.all(
    cluster.nodes.map(async (n, i) => {
      const base = { name: redisClusterNodeName(i), address: `127.0.0.1:${n.port}`, pid: n.pid };
      if (n.pid === null || !isAlive(n.pid)) return { status: { ...base, up: false, role: null } as RedisNodeStatus, state: undefined };
      const [nodesReply, infoReply] = await Promise.all([redisCommand(n.port, ['CLUSTER', 'NODES']), redisCommand(n.port, ['CLUSTER', 'INFO'])]);
      if (!nodesReply?.ok || typeof nodesReply.value !== 'string') return { status: { ...base, up: false, role: null } as RedisNodeStatus, state: undefined };
      const state = infoReply?.ok && typeof infoReply.value === 'string' ? parseInfoFields(infoReply.value).cluster_state : undefined;
      return { status: { ...base, up: true, ...roleInView(parseClusterNodes(nodesReply.value)) } as RedisNodeStatus, state: state ?? 'fail' };
    }),
  );
  return { url: redisClusterSeedUrl(cluster.nodes), state: combineClusterState(nodes.map((n) => n.state)), nodes: nodes.map((n) => n.status) };
}
