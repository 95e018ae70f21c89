import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, waitFor } from '../../src/dev/processes.js';
import { type UpResult, devDown, readStackState, redisClusterNodes, restartRedis } from '../../src/dev/stack.js';
import { SERVICES } from '../../src/runtime/types.js';
import { killRedis } from '../chaos/cluster-faults.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { killSpawnedClis, privateStackEnv, runCli, spawnCli, uniqueName } from './helpers.js';

/**
 * Issue 15 item 4, for real: the four services run against a 6-node Redis Cluster of their own
 * (`dev up --redis-cluster`) while the generator writes a run; half-way a master that holds the
 * run's keys is SIGKILLed and its replica takes over. The services ride it out (batches that
 * fail are redelivered), go on without WAIT on the promoted master while it has no replica
 * (saying so), wait again once the killed node is back as its replica, and `verify` finds every
 * event applied exactly once and every saga consistent.
 *
 * It runs on a stack of its own: `STREAMFLOW_TEST_BROKERS=127.0.0.1:1 npx vitest run --project
 * integration test/integration/redis-failover.test.ts` skips the suite's shared stack.
 */

/** Effects applied so far by a service (from the Prometheus endpoint); 0 while it does not answer. */
async function processed(port: number, service = 'payment'): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(text.match(new RegExp(`streamflow_processed_total\\{service="${service}"\\} (\\d+)`))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Keys of the run (its audit strings, per service and shard) a node holds. */
async function runKeysOn(port: number, runId: string): Promise<string[]> {
  const node = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await node.connect();
    return await node.keys(`sf:*:audit:${runId}`);
  } finally {
    node.disconnect();
  }
}

const masters = async (env: NodeJS.ProcessEnv) => (await redisClusterNodes(env)).filter((n) => n.up && n.role === 'master');

describe('runtime through a Redis Cluster master failover', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-redis-failover-'));
  const env = privateStackEnv(home);
  let up: UpResult;

  beforeAll(async () => {
    const run = await runCli(['dev', 'up', '--redis-cluster', '--json', ...(kafkaVersionUnderTest().kafkaVersion ? ['--kafka-version', kafkaVersionUnderTest().kafkaVersion!] : [])], env);
    expect(run.code, run.stderr).toBe(0);
    up = JSON.parse(run.stdout) as UpResult;
    const topology = await runCli(['topology', 'apply', '--execute'], env);
    expect(topology.code, topology.stderr).toBe(0);
    const reg = await runCli(['schema', 'register', '--dir', 'schemas/checkout'], env);
    expect(reg.code, reg.stderr).toBe(0);
  });

  afterAll(async () => {
    killSpawnedClis();
    const pids = ((await readStackState(env))?.redisCluster?.nodes ?? []).map((n) => n.pid).filter((p): p is number => p !== null);
    await devDown(env, { purge: true });
    expect(pids.filter(isAlive)).toEqual([]);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('applies every event exactly once when a master is SIGKILLed mid-run and its replica takes over', async () => {
    expect(up.redis?.url).toMatch(/^redis\+cluster:\/\//);
    const runId = uniqueName('failover');
    const port = 21_000 + Math.floor(Math.random() * 1000);
    const t0 = Date.now();
    const services = spawnCli(['consume', '--service', 'all', '--metrics-port', String(port), '--until-idle', '15s', '--json'], env);
    const consuming = () => SERVICES.every((s) => services.stderr().includes(`${s}: consuming`));
    expect(await waitFor(consuming, 60_000, 200), services.output()).toBe(true);

    // ~3,000 records at 120/s: some 25 s of traffic.
    const generator = spawnCli(['produce', 'checkout', '--count', '3000', '--rate', '120/s', '--duplicates', '0.01', '--seed', '15', '--run-id', runId, '--json'], env);

    // Half-way: every master holds keys of the run (the store spans the cluster); kill one.
    expect(await waitFor(async () => (await processed(port)) >= 1_300, 60_000, 250), services.output()).toBe(true);
    const before = await masters(env);
    expect(before).toHaveLength(3);
    for (const m of before) expect((await runKeysOn(m.port, runId)).length, `run keys on master ${m.address}`).toBeGreaterThan(0);
    const nodes = await redisClusterNodes(env);
    const victim = before[0]!;
    const heir = nodes.find((n) => n.role === 'replica' && n.master === victim.address)!;
    expect(heir, JSON.stringify(nodes)).toBeDefined();
    const killedAt = Date.now();
    await killRedis(env, victim.port);
    expect(
      await waitFor(async () => (await masters(env)).some((m) => m.address === heir.address), 30_000, 250),
      'the replica of the killed master is promoted',
    ).toBe(true);
    const failoverMs = Date.now() - killedAt;
    const appliedAtKill = await processed(port);
    // The services see that the promoted master has no replica, and go on without waiting on it.
    const noReplica = `warning: Redis master ${heir.address} has no replica`;
    expect(await waitFor(() => services.stderr().includes(noReplica), 20_000, 200), services.output().slice(-6_000)).toBe(true);

    // The killed node comes back as a replica of its successor: WAIT on that master resumes.
    await restartRedis(env, victim.port);
    expect(
      await waitFor(async () => (await redisClusterNodes(env)).some((n) => n.address === victim.address && n.role === 'replica' && n.master === heir.address), 30_000, 250),
      'the killed master rejoins as a replica of the promoted one',
    ).toBe(true);
    const rejoinedAt = await processed(port);
    const again = `Redis master ${heir.address} has 1 replica again: batches wait for 1`;
    expect(await waitFor(() => services.stderr().includes(again), 20_000, 200), services.output().slice(-6_000)).toBe(true);

    expect(await generator.exited, generator.output()).toBe(0);
    expect(await services.exited, services.output().slice(-6_000)).toBe(0);
    const drainedMs = Date.now() - t0;

    // The services waited for replicas from the start.
    const logs = services.stderr();
    expect(logs).toMatch(/Redis has replicas: each batch waits for 1 to hold its writes/);

    // The store spans the three masters of the cluster as it is now (the promoted one included, the killed one its replica).
    const after = await masters(env);
    expect(after.map((m) => m.address).sort()).toEqual([...before.filter((m) => m !== victim).map((m) => m.address), heir.address].sort());
    for (const m of after) expect((await runKeysOn(m.port, runId)).length, `run keys on master ${m.address}`).toBeGreaterThan(0);

    const verify = await runCli(['verify', '--run', runId, '--json'], env);
    const report = JSON.parse(verify.stdout);
    const lines = logs.split('\n');
    const replaced = lines.filter((l) => l.includes('consumer replaced')).length;
    const failedBatches = lines.filter((l) => l.includes('failed and is redelivered'));
    const replicaNotices = lines.filter((l) => /Redis master .* (has no replica|replicas? again)/.test(l));
    process.stderr.write(
      `[redis-failover] ${victim.address} SIGKILLed at ${appliedAtKill} payments applied; ${heir.address} promoted after ${failoverMs} ms; ${victim.address} back as its replica at ${rejoinedAt} applied; ${failedBatches.length} batch failure reports, ${replaced} consumer restarts; drained after ${Math.round(drainedMs / 1000)} s; verify: ${JSON.stringify(report.services)} saga ${JSON.stringify(report.saga)}\n${[...replicaNotices, ...failedBatches.slice(0, 30)].map((l) => `[redis-failover]   ${l.slice(0, 300)}\n`).join('')}`,
    );
    const context = `${verify.stdout}\n--- services (stderr, last 6 KB) ---\n${logs.slice(-6_000)}`;
    for (const s of Object.values(report.services) as Array<{ missing: number; duplicated: number }>) expect(s, context).toMatchObject({ missing: 0, duplicated: 0 });
    expect(report.saga.inconsistent, context).toBe(0);
    expect(report.ok, context).toBe(true);
    expect(verify.code).toBe(0);
  }, 180_000);
});
