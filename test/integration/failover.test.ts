import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_TIMEOUT_MS, createKafka } from '../../src/kafka/client.js';
import { connectProducer } from '../../src/kafka/producer.js';
import { waitForTopicLeaders } from '../../src/kafka/topic-readiness.js';
import { isAlive, signal, sleep, waitFor } from '../../src/dev/processes.js';
import { devDown, devUp, readStackState, restartBroker } from '../../src/dev/stack.js';
import type { Connection } from '../../src/config/resolve-connection.js';
import { kafkaVersionUnderTest } from './global-setup.js';
import { uniqueName } from './helpers.js';

/**
 * A 3-node KRaft quorum of its own: a topic with RF 3 and min.insync.replicas 2 must keep
 * taking acks=all writes and serve every record after one broker is SIGKILLed.
 */
describe('3-broker cluster failover', () => {
  let env: NodeJS.ProcessEnv;
  let conn: Connection;

  beforeAll(async () => {
    env = { ...process.env, STREAMFLOW_STATE_DIR: await fs.mkdtemp(path.join(os.tmpdir(), 'streamflow-3b-')) };
    const up = await devUp({ brokers: 3, kafkaOnly: true, ...kafkaVersionUnderTest(), env, log: () => undefined });
    conn = { context: null, brokers: up.kafka.bootstrap.split(','), sources: {} };
  });

  afterAll(async () => {
    if (env) {
      await devDown(env, { purge: true });
      await fs.rm(env.STREAMFLOW_STATE_DIR!, { recursive: true, force: true });
    }
  });

  it('keeps accepting acks=all writes and serves every record with one broker killed', async () => {
    const topic = uniqueName('failover');
    const kafka = createKafka(conn);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, numPartitions: 6, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
    });
    await waitForTopicLeaders(admin, [topic]);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0]!.partitions.every((p) => p.replicas.length === 3 && p.isr.length === 3)).toBe(true);

    const producer = kafka.producer({ idempotent: true, retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3_000 } });
    await producer.connect();
    const batch = (from: number) => Array.from({ length: 500 }, (_, i) => ({ key: `order-${(from + i) % 97}`, value: String(from + i) }));
    await producer.send({ topic, acks: -1, messages: batch(0) });

    // Kill the leader of partition 0 the hard way.
    const victim = meta.topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
    const state = await readStackState(env);
    const pid = state!.kafka.nodes.find((n) => n.id === victim)!.pid!;
    signal(pid, 'SIGKILL');
    expect(
      await waitFor(async () => {
        const m = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
        return m !== null && m.topics[0]!.partitions.every((p) => p.leader !== victim && p.leader >= 0);
      }, 60_000, 500),
    ).toBe(true);

    for (let i = 1; i <= 4; i++) await producer.send({ topic, acks: -1, messages: batch(i * 500) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName('g'), retry: { retries: 10 } });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const values = new Set<number>();
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.add(Number(message.value!.toString()));
          if (values.size === 2500) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(values.size).toBe(2500);

    // The killed broker rejoins and catches up.
    await restartBroker(env, victim);
    expect(
      await waitFor(async () => {
        const m = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
        return m !== null && m.topics[0]!.partitions.every((p) => p.isr.length === 3);
      }, 90_000, 1_000),
    ).toBe(true);
    await admin.disconnect();
  });

  it("holds a streamflow producer's send through 40 s without enough in-sync replicas, and completes it when the broker is back", async () => {
    // Both replicas must ack: with the leader killed, every write is refused (NOT_ENOUGH_REPLICAS)
    // until it restarts, longer than kafkajs' default retries last.
    const topic = uniqueName('held-send');
    const kafka = createKafka(conn);
    const admin = kafka.admin();
    await admin.connect();
    const [a, b] = (await readStackState(env))!.kafka.nodes.map((n) => n.id);
    await admin.createTopics({
      waitForLeaders: false,
      topics: [{ topic, replicaAssignment: [{ partition: 0, replicas: [a!, b!] }], configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
    });
    await waitForTopicLeaders(admin, [topic]);
    const producer = await connectProducer(conn, { idempotent: false, acks: -1, compression: 'none' });
    const records = (from: number) => Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: Buffer.from(String(from + i)) }));
    await producer.send(topic, records(0));

    const leader = (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions[0]!.leader;
    const pid = (await readStackState(env))!.kafka.nodes.find((n) => n.id === leader)!.pid!;
    signal(pid, 'SIGKILL');
    await waitFor(() => !isAlive(pid), 10_000);
    let outcome: 'pending' | 'sent' | Error = 'pending';
    const held = producer.send(topic, records(100)).then(
      () => void (outcome = 'sent'),
      (err: Error) => void (outcome = err),
    );
    await sleep(40_000);
    expect(outcome).toBe('pending');

    await restartBroker(env, leader);
    await held;
    expect(outcome).toBe('sent');
    await producer.disconnect();
    const ends = await admin.fetchTopicOffsets(topic);
    // At least once: a refused write may have been retried after all.
    expect(Number(ends[0]!.high)).toBeGreaterThanOrEqual(200);
    await admin.disconnect();
  }, DELIVERY_TIMEOUT_MS + 60_000);
});
