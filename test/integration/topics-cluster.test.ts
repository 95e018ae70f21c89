import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signal, waitFor } from '../../src/dev/processes.js';
import { devDown, devUp, readStackState } from '../../src/dev/stack.js';
import { resolveConnection } from '../../src/config/resolve-connection.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import { withTopicAdmin } from '../../src/kafka/topic-admin.js';
import { cacheDir } from '../../src/config/paths.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../../src/dev/kafka-dist.js';
import { javaCommand } from '../../src/dev/tools.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { runCli, testEnv, uniqueName } from './helpers.js';

/**
 * Production defaults on a 3-node KRaft cluster of its own (one cluster for the whole file):
 * RF 3 / min.insync.replicas 2, the checkout topology, dry runs, and under-replication.
 */
describe('topics on a 3-broker cluster', () => {
  let stackEnv: NodeJS.ProcessEnv;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    stackEnv = { ...process.env, STREAMFLOW_STATE_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-topics-3b-')) };
    const up = await devUp({ brokers: 3, kafkaOnly: true, ...kafkaVersionUnderTest(), env: stackEnv, log: () => undefined });
    env = testEnv({ STREAMFLOW_BROKERS: up.kafka.bootstrap });
  });

  afterAll(async () => {
    if (stackEnv) {
      await devDown(stackEnv, { purge: true });
      await fs.rm(stackEnv.STREAMFLOW_STATE_DIR!, { recursive: true, force: true });
    }
  });

  const cli = (...args: string[]) => runCli(args, env);
  const json = async (...args: string[]) => {
    const run = await runCli([...args, '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it('creates a 12-partition topic with RF 3 and min.insync.replicas 2 by default', async () => {
    const topic = uniqueName('orders');
    const created = await cli('topic', 'create', topic, '--partitions', '12', '--json');
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ partitions: 12, replicationFactor: 3, configs: { 'min.insync.replicas': '2' }, created: true, warnings: [] });
    expect(created.stderr).toContain('default: replication factor 3 (the cluster has 3 brokers)');

    const doc = await json('topic', 'describe', topic);
    expect(doc).toMatchObject({ name: topic, replicationFactor: 3, overrides: ['min.insync.replicas'] });
    expect(doc.configs['min.insync.replicas']).toBe('2');
    expect(doc.partitions).toHaveLength(12);
    for (const p of doc.partitions) {
      expect(p.replicas).toHaveLength(3);
      expect([...p.isr].sort()).toEqual([...p.replicas].sort());
      expect(p.replicas).toContain(p.leader);
      expect(p).toMatchObject({ underReplicated: false, earliestOffset: '0', latestOffset: '0', offsets: 0, records: 0 });
    }
    // Leadership is spread over the brokers.
    expect(new Set(doc.partitions.map((p: { leader: number }) => p.leader)).size).toBe(3);
  });

  it('warns about min.insync.replicas equal to RF and refuses RF above the broker count', async () => {
    const warned = await cli('topic', 'create', uniqueName('strict'), '--partitions', '3', '--replication-factor', '3', '--config', 'min.insync.replicas=3');
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/warning: .*min.insync.replicas=3 equals the replication factor/);
    const refused = await cli('topic', 'create', uniqueName('rf4'), '--partitions', '3', '--replication-factor', '4');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('needs 4 brokers, but the cluster has 3');
  });

  it('applies the default checkout topology, and a second apply has nothing to change', async () => {
    // No -f: the default ./streamflow.topology.yaml of the checkout.
    const plan = await json('topology', 'plan');
    expect(plan).toMatchObject({ file: './streamflow.topology.yaml', executed: false, brokers: 3, summary: { create: 17, alter: 0, unchanged: 0 } });

    const applied = await json('topology', 'apply', '--execute');
    expect(applied).toMatchObject({ executed: true, summary: { create: 17, alter: 0, unchanged: 0 } });
    const orders = await json('topic', 'describe', 'checkout.orders');
    expect(orders.partitions).toHaveLength(12);
    expect(orders.partitions.every((p: { replicas: number[]; isr: number[] }) => p.replicas.length === 3 && p.isr.length === 3)).toBe(true);
    expect(orders.configs).toMatchObject({ 'min.insync.replicas': '2', 'retention.ms': '604800000' });
    const dlq = await json('topic', 'describe', 'checkout.payment.dlq');
    expect(dlq.partitions).toHaveLength(3);
    expect(dlq.configs['retention.ms']).toBe('2592000000');

    const again = await cli('topology', 'apply', '--execute');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to change: all 17 topics');
    const againJson = await json('topology', 'apply', '--execute');
    expect(againJson.summary).toEqual({ create: 0, alter: 0, unchanged: 17 });
    expect(againJson.changes.every((c: { action: string }) => c.action === 'unchanged')).toBe(true);
  });

  it('changes nothing on delete or add-partitions without --execute', async () => {
    const del = await json('topic', 'delete', 'checkout.orders');
    expect(del).toMatchObject({ topic: 'checkout.orders', executed: false, partitions: 12, replicationFactor: 3 });
    const grow = await json('topic', 'add-partitions', 'checkout.orders', '--to', '24');
    expect(grow).toMatchObject({ executed: false, from: 12, to: 24, remap: { expectedMovedShare: 0.5 } });

    const list = await json('topic', 'list');
    expect(list.topics).toContainEqual({ name: 'checkout.orders', partitions: 12, replicationFactor: 3 });
    expect((await json('topology', 'plan')).summary).toEqual({ create: 0, alter: 0, unchanged: 17 });
  });

  it('shows under-replicated partitions when a broker is down', async () => {
    const topic = uniqueName('urp');
    await json('topic', 'create', topic, '--partitions', '6');
    const victim = 3;
    const state = await readStackState(stackEnv);
    signal(state!.kafka.nodes.find((n) => n.id === victim)!.pid!, 'SIGKILL');

    let doc: { partitions: Array<{ leader: number | null; replicas: number[]; isr: number[]; underReplicated: boolean }> } | undefined;
    const shrunk = await waitFor(async () => {
      const run = await cli('topic', 'describe', topic, '--json');
      if (run.code !== 0) return false;
      doc = JSON.parse(run.stdout);
      return doc!.partitions.every((p) => !p.isr.includes(victim));
    }, 60_000, 1_000);
    expect(shrunk).toBe(true);
    for (const p of doc!.partitions) {
      expect(p.underReplicated).toBe(p.replicas.includes(victim));
      expect(p.leader).not.toBe(victim);
    }
    const human = await cli('topic', 'describe', topic);
    expect(human.stdout).toMatch(/6 under-replicated/);
    expect(human.stdout).toContain('UNDER-REPLICATED');
  });

  it('reads the same brokers and partitions (replicas, ISR, leaders) as kafkajs does, with a broker down', async () => {
    const conn = await resolveConnection({}, env);
    const ours = await withClusterSession(conn, (session) => session.metadata());
    const theirs = await withTopicAdmin(conn, async (admin) => ({ ...(await admin.describeCluster()), topics: await admin.allPartitions() }));
    expect(ours.brokers).toEqual(theirs.brokers);
    // The controller is the metadata quorum's leader, as Kafka's kafka-metadata-quorum.sh names it
    // (Metadata's controller id names a random live broker under KRaft).
    const dist = await ensureKafkaDist(kafkaVersionUnderTest().kafkaVersion ?? DEFAULT_KAFKA_VERSION, cacheDir(process.env), () => undefined);
    const javaEnv = { ...process.env, JAVA_TOOL_OPTIONS: '-XX:TieredStopAtLevel=1 -XX:+UseSerialGC' };
    const quorum = await runKafkaClass(dist, 'org.apache.kafka.tools.MetadataQuorumCommand', ['--bootstrap-server', conn.brokers.join(','), 'describe', '--status'], javaEnv, javaCommand(javaEnv), 90_000);
    expect(ours.controller).toBe(Number(quorum.stdout.match(/LeaderId:\s+(\d+)/)?.[1]));
    expect(new Map([...ours.topics].sort())).toEqual(new Map([...theirs.topics].sort()));
    expect([...ours.topics.values()].flat().some((p) => p.isr.length < p.replicas.length)).toBe(true);
  });
});
