import fs from 'node:fs/promises';
import path from 'node:path';
import type { Connection } from '../../src/config/resolve-connection.js';
import { isAlive, signal, waitFor } from '../../src/dev/processes.js';
import { readStackState, redisClusterNodes, restartBroker, restartRedis } from '../../src/dev/stack.js';
import { createKafka, withAdmin } from '../../src/kafka/client.js';

/** The faults a chaos run injects into the local stack, and what it watches to see them heal. */

async function stack(env: NodeJS.ProcessEnv) {
  const state = await readStackState(env);
  if (!state) throw new Error('no local stack recorded in the state dir');
  return state;
}

/**
 * The active KRaft controller: the quorum leader of the newest epoch any voter recorded in its
 * quorum-state file. (Metadata answers name a random broker as "controller" under KRaft.)
 */
export async function activeController(env: NodeJS.ProcessEnv): Promise<number> {
  let newest = { leaderId: -1, leaderEpoch: -1 };
  for (const node of (await stack(env)).kafka.nodes) {
    const file = path.join(node.dir, 'data', '__cluster_metadata-0', 'quorum-state');
    const q = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as { leaderId?: number; leaderEpoch?: number };
    if (q.leaderId !== undefined && q.leaderId >= 0 && (q.leaderEpoch ?? -1) > newest.leaderEpoch) newest = { leaderId: q.leaderId, leaderEpoch: q.leaderEpoch ?? 0 };
  }
  if (newest.leaderId < 0) throw new Error('no voter of the quorum knows a leader');
  return newest.leaderId;
}

/** Partitions each broker leads among `topics` (the busy ones). */
export async function leaderCounts(conn: Connection, topics: string[]): Promise<Map<number, number>> {
  const meta = await withAdmin(createKafka(conn), conn.brokers, (admin) => admin.fetchTopicMetadata({ topics }));
  const counts = new Map<number, number>();
  for (const t of meta.topics) for (const p of t.partitions) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  return counts;
}

/** Every partition of every topic (internal ones too) has a live leader other than `not`. */
export async function leadersMovedOff(conn: Connection, not: number): Promise<boolean> {
  return everyPartition(conn, (p) => p.leader >= 0 && p.leader !== not);
}

/** Every partition of every topic (internal ones too) has all its replicas in sync. */
export async function fullIsr(conn: Connection): Promise<boolean> {
  return everyPartition(conn, (p) => p.leader >= 0 && p.isr.length === p.replicas.length);
}

async function everyPartition(conn: Connection, ok: (p: { leader: number; isr: number[]; replicas: number[] }) => boolean): Promise<boolean> {
  try {
    return await withAdmin(createKafka(conn), conn.brokers, async (admin) => {
      const topics = await admin.listTopics();
      const meta = await admin.fetchTopicMetadata({ topics });
      return meta.topics.every((t) => t.partitions.every(ok));
    });
  } catch {
    return false; // mid-failover the metadata call itself may fail: not healed yet
  }
}

export async function killBroker(env: NodeJS.ProcessEnv, id: number): Promise<void> {
  const pid = (await stack(env)).kafka.nodes.find((n) => n.id === id)?.pid;
  if (!pid) throw new Error(`broker ${id} is not running`);
  signal(pid, 'SIGKILL');
  if (!(await waitFor(() => !isAlive(pid), 10_000))) throw new Error(`broker ${id} (pid ${pid}) survived SIGKILL`);
}

export { redisClusterNodes, restartBroker, restartRedis };

/**
 * SIGKILL Redis (no shutdown save: only what its append-only file already holds survives). In a
 * Redis Cluster stack, `port` names the node (pick one, e.g. a master, from redisClusterNodes).
 */
export async function killRedis(env: NodeJS.ProcessEnv, port?: number): Promise<void> {
  const state = await stack(env);
  const pid = state.redisCluster ? state.redisCluster.nodes.find((n) => n.port === port)?.pid : state.redis?.pid;
  if (!pid) throw new Error(state.redisCluster ? `no running Redis Cluster node on port ${port ?? '(none given)'}` : 'Redis is not running');
  signal(pid, 'SIGKILL');
  if (!(await waitFor(() => !isAlive(pid), 10_000))) throw new Error(`Redis (pid ${pid}) survived SIGKILL`);
}

/** Freeze (SIGSTOP) or thaw (SIGCONT) the registry: it keeps its port but answers nothing. */
export async function freezeRegistry(env: NodeJS.ProcessEnv, frozen: boolean): Promise<void> {
  const pid = (await stack(env)).registry?.pid;
  if (!pid) throw new Error('the registry is not running');
  signal(pid, frozen ? 'SIGSTOP' : 'SIGCONT');
}
