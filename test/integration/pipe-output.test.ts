import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDeadLetterHeaders } from '../../src/dlq/dlq-headers.js';
import { createKafka } from '../../src/kafka/client.js';
import { withKafkaRetry } from '../../src/kafka/kafka-retry.js';
import { testConnection, testEnv, testStack, uniqueName } from './helpers.js';

/*
 * Output is a contract for scripts: a --json document of several MB arrives whole through a
 * pipe, with the command's own exit code. bin/streamflow used to exit while stdout still had
 * writes queued, which cut every document at the pipe's 64 KiB buffer.
 */

const BIN = path.resolve(import.meta.dirname, '../../bin/streamflow');

/** Run bin/streamflow with stdout on a pipe that a slow reader drains (as `| jq` may). */
function piped(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 500);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr }));
  });
}

describe('--json through a pipe', () => {
  const env = testEnv();
  const topic = uniqueName('pipe');
  const dlq = `${topic}.dlq`;
  const group = uniqueName('pipe-g');
  const keysFile = path.join(testStack().homesDir, `${topic}.keys`);
  const kafka = createKafka(testConnection());
  const admin = kafka.admin();

  beforeAll(async () => {
    fs.writeFileSync(keysFile, Array.from({ length: 200_000 }, (_, i) => `order-${i}`).join('\n') + '\n');
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic, numPartitions: 600, replicationFactor: 1 },
        { topic: dlq, numPartitions: 1, replicationFactor: 1 },
      ],
      waitForLeaders: true,
    });
    // A group with a committed offset on every partition: lag --json lists 600 partitions.
    const partitions = Array.from({ length: 600 }, (_, partition) => ({ partition, offset: '0' }));
    // On a fresh cluster the first group creates and loads __consumer_offsets: allow for it.
    await withKafkaRetry(() => admin.setOffsets({ groupId: group, topic, partitions }), { budgetMs: 60_000 });
    const producer = kafka.producer();
    await producer.connect();
    const now = Date.now();
    const headers = encodeDeadLetterHeaders({
      originalTopic: topic,
      originalPartition: 0,
      originalOffset: '0',
      originalTimestamp: String(now),
      consumerGroup: group,
      errorClass: 'ValidationError',
      errorMessage: 'x'.repeat(2_000),
      stack: 'at test\n'.repeat(100),
      service: 'payment',
      attempts: 1,
      firstFailure: new Date(now).toISOString(),
      lastFailure: new Date(now).toISOString(),
    });
    await producer.send({ topic: dlq, messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(1_000, i), headers })) });
    await producer.disconnect();
  });

  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic, dlq] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
  });

  it('partition --keys-file of 200,000 keys: several MB, whole, exit 0', async () => {
    const r = await piped(['partition', '--keys-file', keysFile, '--partitions', '12', '--json'], env);
    expect(r.stdout.length).toBeGreaterThan(4 * 1024 * 1024);
    expect(JSON.parse(r.stdout).results).toHaveLength(200_000);
    expect(r.code).toBe(0);
  });

  it('lag --json over 600 partitions arrives whole, with the gate exit code', async () => {
    // Nothing was written, so lag is 0: --fail-above -1 is not allowed; check 0 and exit 0.
    const r = await piped(['lag', '--group', group, '--json', '--fail-above', '0'], env);
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    const doc = JSON.parse(r.stdout);
    expect(doc.groups[0].partitions).toHaveLength(600);
    expect(r.code).toBe(0);
  });

  it('dlq browse --limit 100 --json arrives whole', async () => {
    let r = await piped(['dlq', 'browse', dlq, '--limit', '100', '--json'], env);
    for (let i = 0; i < 5 && r.code === 0 && JSON.parse(r.stdout).records.length < 100; i++) {
      await sleep(1_000);
      r = await piped(['dlq', 'browse', dlq, '--limit', '100', '--json'], env);
    }
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(r.stdout).records).toHaveLength(100);
    expect(r.code).toBe(0);
  });

  it('topic consume of the DLQ: JSON lines and the --json document arrive whole through a slow pipe, headers decoded', async () => {
    const r = await piped(['topic', 'consume', dlq], env);
    expect(r.stdout.length).toBeGreaterThan(64 * 1024);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(100);
    // Spring's DLQ headers: the original partition and offset are big-endian ints, shown as numbers.
    expect(lines[0].headers).toMatchObject({ 'kafka_dlt-original-topic': topic, 'kafka_dlt-original-partition': 0, 'kafka_dlt-original-offset': 0, 'kafka_dlt-exception-fqcn': 'ValidationError' });
    expect(r.code).toBe(0);
    const doc = await piped(['topic', 'consume', dlq, '--json'], env);
    expect(JSON.parse(doc.stdout)).toMatchObject({ summary: { records: 100 } });
    expect(doc.code).toBe(0);
  });

  it('a usage error keeps exit 2 and prints nothing on stdout', async () => {
    const r = await piped(['partition', '--keys-file', keysFile, '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
