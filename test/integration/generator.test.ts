import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shippedContractsDir } from '../../src/config/package-root.js';
import { registerOrderContractsFor } from '../../src/generator/checkout-codec.js';
import { readRunManifest } from '../../src/generator/run-manifest.js';
import { createKafka } from '../../src/kafka/client.js';
import { SchemaCache } from '../../src/schema/registered-schema.js';
import { RegistryClient } from '../../src/schema/registry-client.js';
import { decodeFramed } from '../../src/schema/wire-format.js';
import { runCli, testConnection, testEnv, uniqueName } from './helpers.js';

async function runBuilt(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve('bin/streamflow'), ...args], { env, maxBuffer: 1 << 24 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }));
  });
}

async function preparedTopic(): Promise<string> {
  const topic = uniqueName('gen.orders');
  expect((await runCli(['topic', 'create', topic, '--partitions', '12', '--replication-factor', '1'])).code).toBe(0);
  await registerOrderContractsFor(new RegistryClient(testConnection().registry!), shippedContractsDir(), topic);
  return topic;
}

async function consumeAll(topic: string, expected: number) {
  const consumer = createKafka(testConnection()).consumer({ groupId: uniqueName('verify') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const records: Array<{ key: string; value: Buffer; headers: Record<string, string> }> = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records.push({ key: m.key!.toString(), value: m.value!, headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])) });
        }
        if (records.length >= expected) resolve();
      },
    });
  });
  await consumer.disconnect();
  return records;
}

describe('produce checkout', () => {
  it('to your own topic: refuses with a hint naming the command for that topic; following it, produce succeeds', async () => {
    const topic = uniqueName('my.orders');
    const env = testEnv();
    expect((await runCli(['topic', 'create', topic, '--partitions', '3'], env)).code).toBe(0);
    const refused = await runCli(['produce', 'checkout', '--topic', topic, '--count', '50', '--json'], env);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    const hint = refused.stderr.match(/`streamflow (schema register [^`]+)`/)?.[1];
    expect(hint, refused.stderr).toBe(`schema register --dir schemas/checkout --topic ${topic}`);

    const registered = await runCli([...hint!.split(' '), '--json'], env);
    expect(registered.code, registered.stderr).toBe(0);
    expect(JSON.parse(registered.stdout).results.map((r: { subject: string; status: string }) => [r.subject, r.status])).toEqual([
      [`${topic}-com.streamflow.checkout.OrderCreated`, 'registered'],
      [`${topic}-com.streamflow.checkout.OrderCancelled`, 'registered'],
    ]);

    const produced = await runCli(['produce', 'checkout', '--topic', topic, '--count', '50', '--json'], env);
    expect(produced.code, produced.stderr).toBe(0);
    expect(JSON.parse(produced.stdout)).toMatchObject({ topic, sent: 50, errors: 0 });
    expect((await consumeAll(topic, 50)).length).toBe(50);
  });

  it('writes exactly `sent` records; valid ones decode through the registry; poison fails as its kind; the manifest matches', async () => {
    const topic = await preparedTopic();
    const env = testEnv();
    const run = await runCli(['produce', 'checkout', '--topic', topic, '--count', '20000', '--duplicates', '0.01', '--poison', '0.005', '--seed', '7', '--rate', 'max', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ topic, sent: 20000, errors: 0 });
    expect(summary.valid + summary.duplicates + summary.poison).toBe(20000);
    expect(summary.duplicates).toBeGreaterThan(100);
    expect(summary.poison).toBeGreaterThan(50);

    const kafka = createKafka(testConnection());
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(20000);

    const records = await consumeAll(topic, 20000);
    const cache = new SchemaCache(new RegistryClient(testConnection().registry!));
    const decodedIds = new Map<string, number>();
    const failures: Record<string, number> = {};
    let negativeTotals = 0;
    for (const r of records) {
      try {
        const { value } = await decodeFramed(r.value, cache.lookup);
        const v = value as { envelope: { event_id: string }; order_id: string; total_minor?: number };
        expect(v.envelope.event_id).toBe(r.headers.event_id);
        if ((v.total_minor ?? 0) < 0) negativeTotals++;
        else decodedIds.set(v.envelope.event_id, (decodedIds.get(v.envelope.event_id) ?? 0) + 1);
        expect(r.key).toBe(v.order_id);
      } catch (err) {
        failures[(err as Error).name] = (failures[(err as Error).name] ?? 0) + 1;
      }
    }
    const { manifest, valid, poison } = await readRunManifest(env, summary.runId);
    expect(manifest.counts).toMatchObject({ sent: 20000, valid: summary.valid, duplicates: summary.duplicates, poison: summary.poison });
    expect(valid).toHaveLength(summary.valid);
    expect(poison).toHaveLength(summary.poison);
    expect(new Set(valid.map((v) => v.eventId))).toEqual(new Set(decodedIds.keys()));
    expect([...decodedIds.values()].filter((n) => n === 2)).toHaveLength(summary.duplicates);
    expect(failures).toEqual({
      BadMagicByteError: summary.poisonByKind['bad-magic-byte'],
      UnknownSchemaIdError: summary.poisonByKind['unknown-schema-id'],
      AvroDecodeError: summary.poisonByKind['truncated-avro'],
    });
    expect(negativeTotals).toBe(summary.poisonByKind['invalid-business']);
  });

  it('is deterministic with --seed: the same seed writes the same events', async () => {
    const env = testEnv();
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const topic = await preparedTopic();
      const run = await runCli(['produce', 'checkout', '--topic', topic, '--count', '500', '--duplicates', '0.05', '--poison', '0.02', '--seed', '99', '--rate', 'max', '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      const { runId } = JSON.parse(run.stdout);
      ids.push(await fs.readFile(path.join(env.STREAMFLOW_STATE_DIR!, 'runs', runId, 'valid.tsv'), 'utf8'));
    }
    expect(ids[0]).toBe(ids[1]);
  });

  // bin/streamflow runs the built CLI (`npm run build` first), whose batches are synthesized on
  // a worker thread; in-process runs of the TypeScript sources synthesize on the calling thread.
  it('the built CLI (synthesis on a worker thread) writes what the in-process run writes for a seed, all of it acknowledged', async () => {
    const env = testEnv();
    const manifests = [];
    for (const built of [false, true]) {
      const topic = await preparedTopic();
      const args = ['produce', 'checkout', '--topic', topic, '--count', '3000', '--duplicates', '0.02', '--poison', '0.01', '--seed', '5', '--rate', 'max', '--json'];
      const run = built ? await runBuilt(args, env) : await runCli(args, env);
      expect(run.code, run.stderr).toBe(0);
      const { runId, sent } = JSON.parse(run.stdout);
      expect(sent).toBe(3000);
      const dir = path.join(env.STREAMFLOW_STATE_DIR!, 'runs', runId);
      manifests.push([await fs.readFile(path.join(dir, 'valid.tsv'), 'utf8'), await fs.readFile(path.join(dir, 'poison.tsv'), 'utf8')]);
      const records = await consumeAll(topic, 3000);
      expect(records).toHaveLength(3000);
      const manifestIds = manifests.at(-1)!.flatMap((tsv) => tsv.split('\n').filter(Boolean).map((line) => line.split('\t')[0]));
      expect(new Set(records.map((r) => r.headers.event_id))).toEqual(new Set(manifestIds));
    }
    expect(manifests[1]).toEqual(manifests[0]);
  });

  // A modest rate, so what is checked is the pacing, not the speed of a busy 2-core machine.
  it('holds a set rate within 2% (1000/s for 10 s)', async () => {
    const topic = await preparedTopic();
    const run = await runCli(['produce', 'checkout', '--topic', topic, '--rate', '1000/s', '--duration', '10s', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const { sent, durationMs } = JSON.parse(run.stdout);
    expect(Math.abs(sent - 10_000) / 10_000).toBeLessThan(0.02);
    expect(Math.abs(sent / (durationMs / 1000) - 1000) / 1000).toBeLessThan(0.02);
  });

  it('refuses to run when the contracts are not registered for the topic (no auto-registration)', async () => {
    const topic = uniqueName('gen.unregistered');
    expect((await runCli(['topic', 'create', topic, '--partitions', '3'])).code).toBe(0);
    const run = await runCli(['produce', 'checkout', '--topic', topic, '--count', '10']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('producers do not auto-register');
  });
});
