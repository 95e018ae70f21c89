import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { runCli, testConnection, testEnv, uniqueName, writeInTransactions } from './helpers.js';

/** Topic admin and topology on the shared 1-broker stack; 3-broker behaviour is in topics-cluster.test.ts. */
const env = testEnv();
const cli = async (...args: string[]) => runCli(args, env);
const json = async (...args: string[]) => {
  const run = await runCli([...args, '--json'], env);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
};
const partitionsOf = async (topic: string) => (await json('topic', 'describe', topic)).partitions.length as number;
const exists = async (topic: string) => (await json('topic', 'list')).topics.some((t: { name: string }) => t.name === topic);

describe('topic create and describe', () => {
  it('creates with RF 1 on one broker and describes partitions, offsets and configs', async () => {
    const topic = uniqueName('orders');
    const created = await cli('topic', 'create', topic, '--partitions', '6', '--config', 'retention.ms=3600000', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toEqual({ name: topic, partitions: 6, replicationFactor: 1, configs: { 'retention.ms': '3600000' }, created: true, differences: [], warnings: [] });
    expect(created.stderr).toContain('default: replication factor 1 (the cluster has 1 broker)');

    const producer = createKafka(testConnection()).producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 60 }, (_, i) => ({ key: `order-${i}`, value: 'v' })) });
    await producer.disconnect();

    const doc = await json('topic', 'describe', topic);
    expect(doc).toMatchObject({ name: topic, replicationFactor: 1, overrides: ['retention.ms'] });
    expect(doc.configs).toMatchObject({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' });
    expect(doc.partitions.map((p: { partition: number }) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const p of doc.partitions) {
      expect(p).toMatchObject({ leader: 1, replicas: [1], isr: [1], underReplicated: false, earliestOffset: '0' });
      expect(p.latestOffset).toBe(String(p.offsets));
      expect(p.records).toBe(p.offsets);
    }
    expect(doc).toMatchObject({ offsets: 60, records: 60 });

    const human = await cli('topic', 'describe', topic);
    expect(human.stdout).toContain(`Topic ${topic}: 6 partitions, replication factor 1, 60 records`);
    expect(human.stdout).toContain('Set on the topic: retention.ms=3600000');
  });

  it('over an existing topic: the same request is an idempotent exit 0; other settings show the difference and exit 1', async () => {
    const topic = uniqueName('exists');
    await json('topic', 'create', topic, '--partitions', '3', '--config', 'retention.ms=3600000');
    expect(await json('topic', 'create', topic, '--partitions', '3', '--config', 'retention.ms=3600000', '--config', 'cleanup.policy=delete')).toMatchObject({ created: false, differences: [] });

    const conflict = await cli('topic', 'create', topic, '--partitions', '6', '--config', 'retention.ms=7200000', '--json');
    expect(conflict.code).toBe(1);
    expect(JSON.parse(conflict.stdout)).toMatchObject({
      name: topic,
      created: false,
      differences: [
        { setting: 'partitions', existing: 3, requested: 6, defaulted: false },
        { setting: 'retention.ms', existing: '3600000', requested: '7200000', defaulted: false },
      ],
    });
    expect(conflict.stderr).toContain(`topic ${topic} already exists with other partitions, retention.ms; nothing changed`);
    expect(conflict.stderr).toContain(`streamflow topic add-partitions ${topic} --to 6`);

    const text = await cli('topic', 'create', topic, '--partitions', '3', '--replication-factor', '1', '--config', 'segment.ms=1000');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/already exists with other settings; nothing changed:\nSETTING +EXISTING +REQUESTED\nsegment\.ms +604800000 +1000/);
    expect(await partitionsOf(topic)).toBe(3);
    expect((await json('topic', 'describe', topic)).configs['retention.ms']).toBe('3600000');
  });

  it('counts records, not offsets, of a topic written in transactions; over --count-limit it says offsets', async () => {
    const topic = uniqueName('txn-orders');
    expect((await cli('topic', 'create', topic, '--partitions', '3')).code).toBe(0);
    // 60 records in 20 transactions, then 5 in an aborted one: markers and aborted records take offsets.
    const batches = Array.from({ length: 20 }, (_, t) => Array.from({ length: 3 }, (_, i) => ({ key: `order-${t}-${i}`, value: 'v' })));
    await writeInTransactions(topic, batches, Array.from({ length: 5 }, (_, i) => ({ key: `aborted-${i}`, value: 'v' })));

    const doc = await json('topic', 'describe', topic);
    expect(doc.records).toBe(60);
    expect(doc.offsets).toBeGreaterThan(60 + 20);
    expect(doc.partitions.reduce((sum: number, p: { records: number }) => sum + p.records, 0)).toBe(60);
    for (const p of doc.partitions) expect(p.offsets).toBe(Number(p.latestOffset) - Number(p.earliestOffset));
    expect((await cli('topic', 'describe', topic)).stdout).toContain(`Topic ${topic}: 3 partitions, replication factor 1, 60 records`);

    const capped = await json('topic', 'describe', topic, '--count-limit', '50');
    expect(capped).toMatchObject({ offsets: doc.offsets, records: null });
    expect(capped.partitions.every((p: { records: unknown }) => p.records === null)).toBe(true);
    expect((await cli('topic', 'describe', topic, '--count-limit', '50')).stdout).toContain(`, ${doc.offsets} offsets (records not counted)`);
    expect(await json('topic', 'delete', topic)).toMatchObject({ records: 60, offsets: doc.offsets, executed: false });
  });

  it("does not count an open transaction's records until it commits", async () => {
    const topic = uniqueName('txn-open');
    expect((await cli('topic', 'create', topic, '--partitions', '1')).code).toBe(0);
    await writeInTransactions(topic, [[{ key: 'a', value: 'v' }, { key: 'b', value: 'v' }]]);
    const producer = createKafka(testConnection()).producer({ transactionalId: uniqueName('open-txn'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const txn = await producer.transaction();
      await txn.send({ topic, acks: -1, messages: [{ key: 'c', value: 'v' }, { key: 'd', value: 'v' }, { key: 'e', value: 'v' }] });
      expect((await json('topic', 'describe', topic)).records).toBe(2);
      await txn.commit();
    } finally {
      await producer.disconnect();
    }
    expect(await json('topic', 'describe', topic)).toMatchObject({ offsets: 7, records: 5 });
  });

  it('refuses a replication factor above the broker count with a clear message, exit 2', async () => {
    const topic = uniqueName('rf');
    const run = await cli('topic', 'create', topic, '--partitions', '3', '--replication-factor', '3');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`replication factor 3 for ${topic} needs 3 brokers, but the cluster has 1`);
    expect(await exists(topic)).toBe(false);
  });

  it('warns when min.insync.replicas is not below the replication factor', async () => {
    const run = await cli('topic', 'create', uniqueName('isr'), '--partitions', '1', '--config', 'min.insync.replicas=2');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: .*min.insync.replicas=2 exceeds the replication factor 1/);
  });

  it.each([['describe'], ['delete'], ['add-partitions', '--to', '24'], ['alter-config', '--set', 'retention.ms=1']])(
    'topic %s of a missing topic exits 2 naming it',
    async (command, ...rest) => {
      const topic = uniqueName('missing');
      const run = await cli('topic', command, topic, ...rest);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`topic "${topic}" does not exist`);
      expect(run.stdout).toBe('');
    },
  );
});

describe('destructive topic commands are dry runs unless --execute', () => {
  it('delete', async () => {
    const topic = uniqueName('del');
    await json('topic', 'create', topic, '--partitions', '3');
    expect(await json('topic', 'delete', topic)).toEqual({ topic, partitions: 3, replicationFactor: 1, records: 0, offsets: 0, executed: false });
    expect(await exists(topic)).toBe(true);
    expect(await json('topic', 'delete', topic, '--execute')).toMatchObject({ topic, executed: true });
    expect(await exists(topic)).toBe(false);
  });

  it('add-partitions, with the remap impact; shrinking exits 2', async () => {
    const topic = uniqueName('grow');
    await json('topic', 'create', topic, '--partitions', '6');
    const dry = await json('topic', 'add-partitions', topic, '--to', '12');
    expect(dry).toMatchObject({ topic, from: 6, to: 12, executed: false, remap: { from: 6, to: 12, keys: 10_000, expectedMovedShare: 0.5 } });
    expect(dry.remap.byPartition).toHaveLength(6);
    expect(dry.procedure[0]).toMatch(/irreversible/);
    expect(await partitionsOf(topic)).toBe(6);

    expect(await json('topic', 'add-partitions', topic, '--to', '12', '--execute')).toMatchObject({ executed: true, from: 6, to: 12 });
    expect(await partitionsOf(topic)).toBe(12);
    expect(await json('topic', 'add-partitions', topic, '--to', '12', '--execute')).toMatchObject({ executed: false, remap: null });

    const shrink = await cli('topic', 'add-partitions', topic, '--to', '4');
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toContain(`${topic} has 12 partitions; Kafka cannot reduce that to 4`);
  });

  it('alter-config shows old → new, changes only what it names, and validates with Kafka', async () => {
    const topic = uniqueName('cfg');
    await json('topic', 'create', topic, '--partitions', '1', '--config', 'retention.ms=3600000', '--config', 'max.message.bytes=2000000');
    const dry = await json('topic', 'alter-config', topic, '--set', 'retention.ms=7200000', '--set', 'cleanup.policy=compact');
    expect(dry).toEqual({
      topic,
      executed: false,
      changes: [
        { name: 'retention.ms', action: 'set', from: '3600000', fromSource: 'topic', to: '7200000' },
        { name: 'cleanup.policy', action: 'set', from: 'delete', fromSource: 'default', to: 'compact' },
      ],
    });
    expect((await json('topic', 'describe', topic)).configs).toMatchObject({ 'retention.ms': '3600000', 'cleanup.policy': 'delete' });

    await json('topic', 'alter-config', topic, '--set', 'retention.ms=7200000', '--set', 'cleanup.policy=compact', '--execute');
    let doc = await json('topic', 'describe', topic);
    expect(doc.configs).toMatchObject({ 'retention.ms': '7200000', 'cleanup.policy': 'compact', 'max.message.bytes': '2000000' });
    expect(doc.overrides.sort()).toEqual(['cleanup.policy', 'max.message.bytes', 'retention.ms']);

    const del = await json('topic', 'alter-config', topic, '--delete', 'cleanup.policy', '--execute');
    expect(del.changes).toEqual([{ name: 'cleanup.policy', action: 'delete', from: 'compact', fromSource: 'topic', to: 'delete' }]);
    doc = await json('topic', 'describe', topic);
    expect(doc.configs).toMatchObject({ 'retention.ms': '7200000', 'cleanup.policy': 'delete', 'max.message.bytes': '2000000' });

    const typo = await cli('topic', 'alter-config', topic, '--set', 'retention.msx=1');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean retention.ms?');
    const invalid = await cli('topic', 'alter-config', topic, '--set', 'retention.ms=soon');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/Kafka refused .*retention.ms=soon.*INVALID_CONFIG/);
  });
});

describe('topology plan and apply', () => {
  async function topologyFile(yaml: string): Promise<string> {
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'topology-')), 'topology.yaml');
    await fs.writeFile(file, yaml);
    return file;
  }

  it('creates, is idempotent, alters configs, grows only when allowed, never shrinks', async () => {
    const prefix = uniqueName('topo');
    const yaml = (partitions: number, retention: string) => `defaults:
  replicationFactor: auto
  configs:
    min.insync.replicas: auto
    retention.ms: "${retention}"
topics:
  - name: ${prefix}.orders
    partitions: ${partitions}
  - name: ${prefix}.dlq
    partitions: 3
    configs:
      cleanup.policy: compact
`;
    const file = await topologyFile(yaml(6, '604800000'));

    const plan = await json('topology', 'plan', '-f', file);
    expect(plan).toMatchObject({ file, executed: false, brokers: 1, summary: { create: 2, alter: 0, unchanged: 0 } });
    expect(plan.changes[0]).toEqual({ topic: `${prefix}.orders`, action: 'create', partitions: 6, replicationFactor: 1, configs: { 'min.insync.replicas': '1', 'retention.ms': '604800000' } });
    expect(await json('topology', 'apply', '-f', file)).toMatchObject({ executed: false, summary: { create: 2 } });
    expect(await exists(`${prefix}.orders`)).toBe(false);

    expect(await json('topology', 'apply', '-f', file, '--execute')).toMatchObject({ executed: true, summary: { create: 2, alter: 0, unchanged: 0 } });
    expect((await json('topic', 'describe', `${prefix}.dlq`)).configs).toMatchObject({ 'cleanup.policy': 'compact', 'retention.ms': '604800000' });
    const again = await cli('topology', 'apply', '-f', file, '--execute');
    expect(again.stdout).toContain('Nothing to change: all 2 topics');
    expect(await json('topology', 'apply', '-f', file, '--execute')).toMatchObject({ summary: { create: 0, alter: 0, unchanged: 2 } });

    await fs.writeFile(file, yaml(12, '86400000'));
    const altered = await json('topology', 'plan', '-f', file);
    expect(altered.changes[0]).toMatchObject({
      action: 'alter',
      configs: [{ name: 'retention.ms', from: '604800000', to: '86400000' }],
      partitions: { from: 6, to: 12, expectedMovedShare: 0.5 },
    });
    expect(altered.changes[1]).toMatchObject({ action: 'alter', configs: [{ name: 'retention.ms' }] });
    const refused = await cli('topology', 'apply', '-f', file, '--execute');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--allow-partition-increase');
    expect(await partitionsOf(`${prefix}.orders`)).toBe(6);

    await json('topology', 'apply', '-f', file, '--execute', '--allow-partition-increase');
    expect(await partitionsOf(`${prefix}.orders`)).toBe(12);
    const orders = await json('topic', 'describe', `${prefix}.orders`);
    expect(orders.configs['retention.ms']).toBe('86400000');
    expect(await json('topology', 'plan', '-f', file)).toMatchObject({ summary: { unchanged: 2 } });

    await fs.writeFile(file, yaml(4, '86400000'));
    const shrink = await cli('topology', 'apply', '-f', file);
    expect(shrink.code).toBe(2);
    expect(shrink.stderr).toContain(`${prefix}.orders: the file wants 4 partitions but the topic has 12`);

    for (const t of ['orders', 'dlq']) await json('topic', 'delete', `${prefix}.${t}`, '--execute');
  });

  it('names the key path of an invalid file and unknown config names, exit 2', async () => {
    const bad = await cli('topology', 'plan', '-f', await topologyFile('topics:\n  - name: x\n    partitions: 3\n    replicationFactor: many\n'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('topics.0.replicationFactor: must be "auto" or a positive integer');
    const typo = await cli('topology', 'plan', '-f', await topologyFile(`topics:\n  - name: ${uniqueName('t')}\n    partitions: 3\n    configs:\n      retention.msx: "1"\n`));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('Kafka has no topic config named retention.msx (did you mean retention.ms?)');
  });
});
