import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryAnswers } from '../../src/dev/health.js';
import { isAlive, signal, waitFor } from '../../src/dev/processes.js';
import { type UpResult, devDown, devUp } from '../../src/dev/stack.js';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { runCli } from './helpers.js';

/**
 * `dev up` on a stack of its own that is partly broken: it restarts only the part that does not
 * answer (a frozen registry, a killed Redis), on the same port and data, and leaves the healthy
 * parts running with their pids.
 */
/** A private state dir and config, and none of the test stack's STREAMFLOW_* endpoints. */
function privateEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', STREAMFLOW_STATE_DIR: path.join(home, 'state'), STREAMFLOW_CONFIG: path.join(home, 'config.yaml') };
  for (const k of Object.keys(env)) if (k.startsWith('STREAMFLOW_') && !['STREAMFLOW_STATE_DIR', 'STREAMFLOW_CONFIG', 'STREAMFLOW_CACHE_DIR'].includes(k)) delete env[k];
  return env;
}

/** SIGSTOP, then wait until every thread of the process is stopped (the signal is delivered asynchronously). */
async function freeze(pid: number): Promise<void> {
  signal(pid, 'SIGSTOP');
  expect(await waitFor(() => /^\d+ \(.*\) T/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')), 5_000)).toBe(true);
}

async function upJson(env: NodeJS.ProcessEnv, ...args: string[]): Promise<UpResult> {
  const run = await runCli(['dev', 'up', ...args, '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as UpResult;
}

describe('dev up on a partly unhealthy stack', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-partial-'));
  const env = privateEnv(home);
  let first: UpResult;
  const subject = 'partial-restart-value';
  const schema = JSON.stringify({ type: 'record', name: 'Kept', fields: [{ name: 'id', type: 'string' }] });

  beforeAll(async () => {
    first = await devUp({ ...kafkaVersionUnderTest(), env, log: () => undefined });
    expect(first.actions).toEqual({ 'kafka-1': 'started', registry: 'started', redis: 'started' });
    await new RegistryClient({ url: first.registry!.url }).register(subject, schema);
  });

  afterAll(async () => {
    await devDown(env, { purge: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('restarts a frozen registry only: Kafka and Redis keep their pids, the registry its schemas', async () => {
    const frozen = first.registry!.pid!;
    await freeze(frozen);
    expect(await registryAnswers(first.registry!.url)).toBe(false);

    const up = await upJson(env);
    expect(up.alreadyRunning).toBe(false);
    expect(up.actions).toEqual({ 'kafka-1': 'kept', registry: 'restarted', redis: 'kept' });
    expect(up.kafka.brokers[0]!.pid).toBe(first.kafka.brokers[0]!.pid);
    expect(up.redis!.pid).toBe(first.redis!.pid);
    expect(isAlive(frozen)).toBe(false);
    expect(up.registry).toMatchObject({ up: true, url: first.registry!.url });
    expect(up.registry!.pid).not.toBe(frozen);
    const versions = await new RegistryClient({ url: up.registry!.url }).listVersions(subject);
    expect(versions).toEqual([1]);
  });

  it('starts a killed Redis again on its data and says so; the rest is kept', async () => {
    const before = await upJson(env);
    expect(before.alreadyRunning).toBe(true);
    const redis = new Redis(before.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    await redis.set('partial-restart', 'kept');
    await redis.quit();
    signal(before.redis!.pid!, 'SIGKILL');

    const run = await runCli(['dev', 'up'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Restarted redis \(not answering\); kept running: kafka-1, registry\./);
    expect(run.stdout).toMatch(/kafka-1 .* kept/);
    expect(run.stdout).toMatch(/registry .* kept/);
    expect(run.stdout).toMatch(/redis .* restarted/);

    const after = await upJson(env);
    expect(after.actions).toEqual({ 'kafka-1': 'kept', registry: 'kept', redis: 'kept' });
    expect(after.kafka.brokers[0]!.pid).toBe(before.kafka.brokers[0]!.pid);
    expect(after.registry!.pid).toBe(before.registry!.pid);
    expect(after.redis!.pid).not.toBe(before.redis!.pid);
    const again = new Redis(after.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await again.connect();
    expect(await again.get('partial-restart')).toBe('kept');
    await again.quit();
  });
});

describe('dev up on a 3-broker stack with one broker frozen', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'streamflow-partial-3b-'));
  const env = privateEnv(home);

  afterAll(async () => {
    await devDown(env, { purge: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('restarts that broker only, even before the controller fences it', async () => {
    const first = await devUp({ brokers: 3, kafkaOnly: true, ...kafkaVersionUnderTest(), env, log: () => undefined });
    const pids = first.kafka.brokers.map((b) => b.pid);
    await freeze(pids[1]!);

    const up = await upJson(env, '--kafka-only');
    expect(up.actions).toEqual({ 'kafka-1': 'kept', 'kafka-2': 'restarted', 'kafka-3': 'kept' });
    const [one, two, three] = up.kafka.brokers.map((b) => b.pid);
    expect([one, three]).toEqual([pids[0], pids[2]]);
    expect(two).not.toBe(pids[1]);
    expect(up.kafka.brokers.every((b) => b.up)).toBe(true);
    expect(isAlive(pids[1]!)).toBe(false);
  });
});
