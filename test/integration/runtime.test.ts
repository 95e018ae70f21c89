import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/dev/processes.js';
import { killSpawnedClis, runCli, spawnCli, testEnv } from './helpers.js';

const startConsumers = (env: NodeJS.ProcessEnv, args: string[]) => spawnCli(['consume', '--service', 'all', ...args], env);

/** Effects applied so far by the payment service for the run (from the Prometheus endpoint). */
async function processed(port: number): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    return Number(text.match(/streamflow_processed_total\{service="payment"\} (\d+)/)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

describe('reference consumer runtime', () => {
  const env = testEnv();
  afterEach(killSpawnedClis);

  beforeAll(async () => {
    expect((await runCli(['topology', 'apply', '--execute'], env)).code).toBe(0);
    const reg = await runCli(['schema', 'register', '--dir', 'schemas/checkout'], env);
    expect(reg.code, reg.stderr).toBe(0);
  });

  it('survives a SIGKILLed consumer mid-run: verify finds every order applied once, poison in every DLQ, sagas consistent', async () => {
    // A fresh seed: a seed's event ids repeat, and on a stack reused within the dedup window the
    // services would take this run's events as duplicates of the last run's (processed 0).
    const seed = String(Date.now() % 1_000_000_000);
    const produce = await runCli(['produce', 'checkout', '--count', '4000', '--duplicates', '0.01', '--poison', '0.005', '--rate', 'max', '--seed', seed, '--json'], env);
    expect(produce.code, produce.stderr).toBe(0);
    const { runId } = JSON.parse(produce.stdout);

    const port = 19_000 + Math.floor(Math.random() * 1000);
    const first = startConsumers(env, ['--fail-rate', '0.02', '--max-batch', '50', '--metrics-port', String(port)]);
    expect(await waitFor(async () => (await processed(port)) > 300, 150_000, 200), first.output()).toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = startConsumers(env, ['--fail-rate', '0.02', '--until-idle', '12s', '--json']);
    expect(await second.exited, second.output()).toBe(0);

    const verify = await runCli(['verify', '--run', runId, '--json'], env);
    const report = JSON.parse(verify.stdout);
    expect(report.dlq, verify.stdout).toMatchObject({ poisonFound: report.dlq.poisonExpected, unexpected: 0 });
    for (const s of Object.values(report.services) as Array<{ missing: number; duplicated: number }>) expect(s).toMatchObject({ missing: 0, duplicated: 0 });
    expect(report.saga.inconsistent).toBe(0);
    expect(report.ok).toBe(true);
    expect(verify.code).toBe(0);
  });

  it('shuts down gracefully on SIGTERM (exit 130) and a restart carries on from the committed offsets', async () => {
    const produce = await runCli(['produce', 'checkout', '--count', '1500', '--rate', 'max', '--seed', String((Date.now() + 1) % 1_000_000_000), '--json'], env);
    const { runId } = JSON.parse(produce.stdout);
    const port = 20_000 + Math.floor(Math.random() * 1000);
    const first = startConsumers(env, ['--max-batch', '50', '--metrics-port', String(port)]);
    expect(await waitFor(async () => (await processed(port)) > 100, 150_000, 200)).toBe(true);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(130);
    const second = startConsumers(env, ['--until-idle', '8s']);
    expect(await second.exited, second.output()).toBe(0);
    const verify = await runCli(['verify', '--run', runId, '--json'], env);
    expect(JSON.parse(verify.stdout).ok, verify.stdout).toBe(true);
  });
});
