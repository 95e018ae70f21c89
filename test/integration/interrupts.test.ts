import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../src/dev/processes.js';
import { createKafka } from '../../src/kafka/client.js';
import { type SpawnedCli, killSpawnedClis, runCli, spawnCli, testConnection, testEnv, uniqueName } from './helpers.js';

/*
 * Ctrl-C (SIGINT) or SIGTERM on a long-running command, as an operator or a supervisor sends
 * it to bin/streamflow (run `npm run build` first): the command still prints its summary,
 * marked `interrupted: true`, and exits 130.
 */

const env = testEnv();
const start = (args: string[]) => spawnCli(args, env);

async function untilStderr(run: SpawnedCli, pattern: RegExp): Promise<void> {
  expect(await waitFor(async () => pattern.test(run.stderr()) || run.child.exitCode !== null, 60_000, 50), run.stderr()).toBe(true);
  expect(run.child.exitCode, run.stderr()).toBeNull();
}

async function recordsIn(topic: string): Promise<number> {
  const admin = createKafka(testConnection()).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, o) => sum + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** A topic of its own with the order contracts registered under its subjects. */
async function orderTopic(): Promise<string> {
  const topic = uniqueName('int.orders');
  expect((await runCli(['topic', 'create', topic, '--partitions', '3'], env)).code).toBe(0);
  expect((await runCli(['schema', 'register', '--dir', 'schemas/checkout', '--topic', topic], env)).code).toBe(0);
  return topic;
}

afterEach(killSpawnedClis);

beforeAll(async () => {
  expect((await runCli(['topology', 'apply', '--execute'], env)).code).toBe(0);
  const reg = await runCli(['schema', 'register', '--dir', 'schemas/checkout'], env);
  expect(reg.code, reg.stderr).toBe(0);
});

describe('an interrupted run prints its summary, marked interrupted, and exits 130', () => {
  it('produce checkout --duration --json, SIGINT: the summary counts exactly what Kafka acknowledged', async () => {
    const topic = await orderTopic();
    const run = start(['produce', 'checkout', '--topic', topic, '--duration', '60s', '--rate', '200/s', '--json']);
    expect(await waitFor(async () => (await recordsIn(topic)) > 0 || run.child.exitCode !== null, 60_000, 100), run.stderr()).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    const summary = JSON.parse(run.stdout());
    expect(summary).toMatchObject({ topic, interrupted: true, errors: 0 });
    expect(summary.sent).toBe(await recordsIn(topic));
    expect(run.stderr()).toContain(`interrupted after ${summary.sent} records`);
  });

  it('produce checkout --count, text, SIGTERM', async () => {
    const topic = await orderTopic();
    const run = start(['produce', 'checkout', '--topic', topic, '--count', '1000000', '--rate', '200/s']);
    expect(await waitFor(async () => (await recordsIn(topic)) > 0 || run.child.exitCode !== null, 60_000, 100), run.stderr()).toBe(true);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(run.stdout()).toMatch(new RegExp(`^Run run-\\S+: [\\d,]+ records to ${topic.replace(/\./g, '\\.')} in `));
    expect(run.stdout()).toContain('interrupted: the manifest covers exactly the acknowledged records');
  });

  it('consume --service --json, SIGTERM', async () => {
    const run = start(['consume', '--service', 'payment', '--group', uniqueName('int-pay'), '--max-batch', '20', '--json']);
    await untilStderr(run, /payment: consuming checkout\.orders/);
    run.child.kill('SIGTERM');
    expect(await run.exited, run.stderr()).toBe(130);
    expect(JSON.parse(run.stdout())).toMatchObject({ stoppedBy: 'signal', interrupted: true, services: [{ service: 'payment' }] });
  });

  it('lag --watch --json, SIGINT: one document per line, the last one marked interrupted', async () => {
    const group = uniqueName('int-lag');
    const run = start(['lag', '--group', group, '--watch', '200ms', '--json']);
    expect(await waitFor(async () => run.stdout().split('\n').length > 2 || run.child.exitCode !== null, 30_000, 50), run.stderr()).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    const docs = run.stdout().trim().split('\n').map((l) => JSON.parse(l));
    const last = docs.at(-1);
    expect(docs.slice(0, -1).every((d) => d.interrupted === undefined && d.groups[0].group === group)).toBe(true);
    expect(last).toMatchObject({ interrupted: true, samples: docs.length - 1, takenAt: docs.at(-2).takenAt, groups: [{ group }] });
  });

  it('demo --json, SIGINT while it runs: not verified, verify null', async () => {
    const run = start(['demo', '--no-dashboard', '--duration', '60s', '--rate', '600/min', '--stall', '1ms', '--stall-for', '1ms', '--fail-rate', '0', '--json']);
    await untilStderr(run, /Run run-\S+: a seasonal spike/);
    run.child.kill('SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    const summary = JSON.parse(run.stdout());
    expect(summary).toMatchObject({ interrupted: true, ok: false, verify: null, produced: { topic: 'checkout.orders', interrupted: true } });
    expect(summary.services.map((s: { service: string }) => s.service)).toEqual(['payment', 'inventory', 'shipping', 'notification']);
  });
});
