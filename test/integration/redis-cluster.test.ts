import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../src/config/redis-url.js';
import type { RedisNodeStatus } from '../../src/dev/redis-cluster.js';
import { isAlive, signal, waitFor } from '../../src/dev/processes.js';
import { type StackStatus, type UpResult, devDown, readStackState, redisClusterNodes, restartRedis } from '../../src/dev/stack.js';
import { type RedisClient, connectRedis } from '../../src/runtime/redis-client.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { privateStackEnv, runCli } from './helpers.js';

/**
 * `dev up --redis-cluster` on a stack of its own: six nodes, 3 masters + 3 replicas, read live by
 * `dev status`; keys written through the seed URL with WAIT 1 survive the SIGKILL of a master,
 * whose replica is promoted; the killed node comes back as a replica.
 */
type ClusterRedis = Extract<NonNullable<StackStatus['redis']>, { mode: 'cluster' }>;

async function statusRedis(env: NodeJS.ProcessEnv): Promise<ClusterRedis> {
  const run = await runCli(['dev', 'status', '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  const redis = (JSON.parse(run.stdout) as StackStatus).redis;
  expect(redis?.mode).toBe('cluster');
  return redis as ClusterRedis;
}

const byRole = (nodes: RedisNodeStatus[], role: 'master' | 'replica') => nodes.filter((n) => n.up && n.role === role);

/** The slot of a key with a {hash tag} or none (CRC16/XMODEM mod 16384), to check where keys land. */
function keySlot(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

const inSlots = (slot: number, ranges: string[] = []) =>
  ranges.some((r) => {
    const [lo, hi = lo] = r.split('-').map(Number);
    return slot >= lo! && slot <= hi!;
  });

describe('dev up --redis-cluster', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-redis-cluster-'));
  const env = privateStackEnv(home);
  let up: UpResult;
  let client: RedisClient | undefined;
  const keys = Array.from({ length: 30 }, (_, i) => `cluster-test:${i}`);

  beforeAll(async () => {
    const args = ['dev', 'up', '--redis-cluster', '--json', ...(kafkaVersionUnderTest().kafkaVersion ? ['--kafka-version', kafkaVersionUnderTest().kafkaVersion!] : [])];
    const run = await runCli(args, env);
    expect(run.code, run.stderr).toBe(0);
    up = JSON.parse(run.stdout) as UpResult;
  });

  afterAll(async () => {
    client?.disconnect();
    const pids = ((await readStackState(env))?.redisCluster?.nodes ?? []).map((n) => n.pid).filter((p): p is number => p !== null);
    await devDown(env, { purge: true });
    expect(pids.filter(isAlive)).toEqual([]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('starts six nodes, 3 masters each followed by one replica, named by a seed URL in status and the local context', async () => {
    expect(up.actions).toMatchObject(Object.fromEntries([1, 2, 3, 4, 5, 6].map((i) => [`redis-${i}`, 'started'])));
    const redis = await statusRedis(env);
    expect(redis).toMatchObject({ up: true, state: 'ok' });
    expect(redis.url).toMatch(/^redis\+cluster:\/\/127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
    expect(redis.nodes).toHaveLength(6);
    expect(redis.nodes.every((n) => n.up && typeof n.pid === 'number' && /^127\.0\.0\.1:\d+$/.test(n.address))).toBe(true);
    const masters = byRole(redis.nodes, 'master');
    const replicas = byRole(redis.nodes, 'replica');
    expect(masters).toHaveLength(3);
    expect(replicas).toHaveLength(3);
    expect(replicas.map((r) => r.master).sort()).toEqual(masters.map((m) => m.address).sort());
    expect(masters.flatMap((m) => m.slots ?? []).sort()).toEqual(['0-5460', '10923-16383', '5461-10922']);
    const seeds = parseRedisUrl(redis.url);
    expect(seeds.kind === 'cluster' && seeds.seeds.map((s) => `${s.host}:${s.port}`)).toEqual(redis.nodes.slice(0, 3).map((n) => n.address));
    const context = JSON.parse(fs.readFileSync(path.join(env.STREAMFLOW_STATE_DIR!, 'local-context.json'), 'utf8'));
    expect(context.redis).toEqual({ url: redis.url });
    // Each node in its own dir under the stack, with its own nodes.conf.
    for (const n of (await readStackState(env))!.redisCluster!.nodes) expect(fs.existsSync(path.join(n.dir, 'nodes.conf'))).toBe(true);
  });

  it('keeps the cluster on a second dev up without the flag, says so, and refuses to switch to a single Redis', async () => {
    const again = await runCli(['dev', 'up', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/Redis Cluster.*keeping it/);
    const doc = JSON.parse(again.stdout) as UpResult;
    expect(doc.alreadyRunning).toBe(true);
    expect(doc.redis?.url).toBe(up.redis?.url);
    const single = await runCli(['dev', 'up', '--no-redis-cluster'], env);
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/runs a Redis Cluster, not a single Redis[\s\S]*dev down --purge/);
    const logs = await runCli(['dev', 'logs', 'redis', '-n', '1', '--json'], env);
    expect((JSON.parse(logs.stdout) as { logs: Array<{ name: string }> }).logs.map((l) => l.name)).toEqual(['redis-1', 'redis-2', 'redis-3', 'redis-4', 'redis-5', 'redis-6']);
  });

  it('serves keys written with WAIT 1 from the promoted replica after a master is SIGKILLed, and takes the master back as a replica', async () => {
    const before = await statusRedis(env);
    const masters = byRole(before.nodes, 'master');
    // The keys spread over every master's slots.
    for (const m of masters) expect(keys.some((k) => inSlots(keySlot(k), m.slots))).toBe(true);

    client = await connectRedis(before.url);
    for (const key of keys) {
      // One pipeline goes to the key's master, so WAIT counts the replicas that have this write.
      const replies = (await client.pipeline().set(key, `v-${key}`, 'EX', 600).call('WAIT', '1', '5000').exec()) ?? [];
      expect(replies.map(([err]) => err)).toEqual([null, null]);
      expect(replies[1]![1]).toBe(1); // its replica has it
    }

    const nodes = await redisClusterNodes(env);
    const victim = nodes.find((n) => n.role === 'master' && keys.some((k) => inSlots(keySlot(k), n.slots)))!;
    const heir = nodes.find((n) => n.role === 'replica' && n.master === victim.address)!;
    expect(heir).toBeDefined();
    const t0 = Date.now();
    signal(victim.pid!, 'SIGKILL');
    expect(await waitFor(() => !isAlive(victim.pid!), 5_000)).toBe(true);

    let after: ClusterRedis | undefined;
    const promoted = await waitFor(async () => {
      after = await statusRedis(env);
      const h = after.nodes.find((n) => n.address === heir.address);
      return after.state === 'ok' && h?.role === 'master' && (h.slots ?? []).join() === (victim.slots ?? []).join();
    }, 30_000, 250);
    expect(promoted, JSON.stringify(after)).toBe(true);
    const failoverMs = Date.now() - t0;
    expect(after!.nodes.find((n) => n.address === victim.address)).toMatchObject({ up: false, role: null });
    expect(byRole(after!.nodes, 'master')).toHaveLength(3);
    expect(byRole(after!.nodes, 'replica')).toHaveLength(2);

    const values = await Promise.all(keys.map((k) => client!.get(k)));
    expect(values).toEqual(keys.map((k) => `v-${k}`));
    process.stderr.write(`[redis-cluster] ${victim.address} SIGKILLed; ${heir.address} promoted and status showed it after ${failoverMs} ms; ${keys.length} keys read back\n`);

    // The restart helper brings the node back on its port, from its nodes.conf: a replica of its successor.
    const pid = await restartRedis(env, Number(victim.address.split(':')[1]));
    expect(pid).not.toBe(victim.pid);
    let healed: ClusterRedis | undefined;
    const rejoined = await waitFor(async () => {
      healed = await statusRedis(env);
      const v = healed.nodes.find((n) => n.address === victim.address);
      return healed.state === 'ok' && v?.up === true && v.role === 'replica' && v.master === heir.address;
    }, 30_000, 250);
    expect(rejoined, JSON.stringify(healed)).toBe(true);
    expect(byRole(healed!.nodes, 'master')).toHaveLength(3);
    expect(byRole(healed!.nodes, 'replica')).toHaveLength(3);
  });
});
