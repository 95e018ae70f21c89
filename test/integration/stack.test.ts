import net from 'node:net';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { runCli, testConnection, testEnv, testStack, uniqueName } from './helpers.js';

describe('the real local stack', () => {
  it('creates a 12-partition topic through the CLI and lists it', async () => {
    const topic = uniqueName('orders');
    const create = await runCli(['topic', 'create', topic, '--partitions', '12', '--json']);
    expect(create.code, create.stderr).toBe(0);
    expect(JSON.parse(create.stdout)).toMatchObject({ name: topic, partitions: 12, created: true });
    const list = await runCli(['topic', 'list', '--json']);
    expect(JSON.parse(list.stdout).topics).toContainEqual({ name: topic, partitions: 12, replicationFactor: 1 });
  });

  it('produces keyed records with kafkajs and consumes every one back, per-key order kept', async () => {
    const conn = testConnection();
    const topic = uniqueName('roundtrip');
    expect((await runCli(['topic', 'create', topic, '--partitions', '12'])).code).toBe(0);
    const kafka = createKafka(conn);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const sent = Array.from({ length: 600 }, (_, i) => ({ key: `order-${i % 50}`, value: String(i) }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('g') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: Array<{ key: string; value: number; partition: number }> = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          seen.push({ key: message.key!.toString(), value: Number(message.value!.toString()), partition });
          if (seen.length === sent.length) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toHaveLength(600);
    expect(new Set(seen.map((s) => s.partition)).size).toBeGreaterThan(1);
    for (let k = 0; k < 50; k++) {
      const mine = seen.filter((s) => s.key === `order-${k}`);
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
      expect(mine.map((m) => m.value)).toEqual([...mine.map((m) => m.value)].sort((a, b) => a - b));
    }
  });

  it('registers an Avro schema in the registry and encodes/decodes a record with it', async () => {
    const registry = new SchemaRegistry({ host: testStack().registryUrl });
    const subject = `${uniqueName('payments')}-value`;
    const schema = JSON.stringify({
      type: 'record',
      name: 'PaymentAuthorized',
      namespace: 'streamflow.test',
      fields: [
        { name: 'order_id', type: 'string' },
        { name: 'amount_minor', type: 'long' },
      ],
    });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject });
    expect(id).toBeGreaterThan(0);
    const encoded = await registry.encode(id, { order_id: 'o-1', amount_minor: 1299 });
    expect(encoded[0]).toBe(0); // Confluent framing: magic byte, then the 4-byte schema id
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await registry.decode(encoded)).toEqual({ order_id: 'o-1', amount_minor: 1299 });
    const config = await fetch(`${testStack().registryUrl}/config`).then((r) => r.json());
    expect(config).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('round-trips data through Redis', async () => {
    const redis = new Redis(testStack().redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const key = uniqueName('k');
    expect(await redis.ping()).toBe('PONG');
    await redis.set(key, 'v', 'EX', 60);
    expect(await redis.get(key)).toBe('v');
    expect(await redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", 1, `${key}:n`, 5)).toBe(5);
    await redis.quit();
  });
});

describe('the CLI against the stack', () => {
  it('fails within 15 s with exit 3 naming the address when the broker is unreachable', async () => {
    const run = await runCli(['topic', 'list', '--brokers', '127.0.0.1:1']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('127.0.0.1:1');
    expect(run.ms).toBeLessThan(15_000);
  });

  it('fails with exit 3 and names the addresses when no broker of several answers', async () => {
    const run = await runCli(['topic', 'list', '--brokers', '127.0.0.1:1,127.0.0.1:2']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/127\.0\.0\.1:[12]/);
    expect(run.ms).toBeLessThan(15_000);
  });

  it('does not hang on a broker address that accepts connections but never answers', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const run = await runCli(['topic', 'list', '--brokers', address]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(address);
      expect(run.ms).toBeLessThan(15_000);
    } finally {
      silent.close();
    }
  });

  it('prints every configured endpoint in config show, secrets redacted', async () => {
    const run = await runCli(['config', 'show', '--json'], testEnv({ STREAMFLOW_SASL_MECHANISM: 'scram-sha-512', STREAMFLOW_SASL_USERNAME: 'ops', STREAMFLOW_SASL_PASSWORD: 'hunter2' }));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('hunter2');
    const doc = JSON.parse(run.stdout);
    expect(doc.resolved.brokers).toEqual(testStack().brokers);
    expect(doc.resolved.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ops', password: '***' });
    expect(doc.resolved.sources).toMatchObject({ brokers: 'env', sasl: 'env' });
  });
});
