import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from '../../src/kafka/client.js';
import { consumerGroupAdmin } from '../../src/kafka/consumer-groups.js';
import { READ_UNCOMMITTED, internalCluster } from '../../src/kafka/kafkajs-cluster.js';
import { testConnection, uniqueName } from './helpers.js';

// 60 groups: more than one batched OffsetFetch holds (50), each with its own offsets and metadata.
const GROUPS = 60;

describe('committed offsets of many groups at once (OffsetFetch v8)', () => {
  const kafka = createKafka(testConnection(), { clientId: 'group-offsets-test' });
  const admin = kafka.admin();
  const cluster = internalCluster(kafka, READ_UNCOMMITTED);
  const groups = consumerGroupAdmin(admin, cluster);
  const topics = [uniqueName('group-offsets-a'), uniqueName('group-offsets-b')];
  const names = Array.from({ length: GROUPS }, (_, i) => uniqueName(`group-offsets-${i}`));

  beforeAll(async () => {
    await Promise.all([admin.connect(), cluster.connect()]);
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    // Group i commits offset i on partitions 0..i%3 of the first topic, and 2i on partition 1 of the second for odd i.
    for (const [i, group] of names.entries()) {
      const offsets = Array.from({ length: (i % 3) + 1 }, (_, p) => ({ topic: topics[0]!, partition: p, offset: BigInt(i) }));
      if (i % 2 === 1) offsets.push({ topic: topics[1]!, partition: 1, offset: BigInt(2 * i) });
      await groups.commit(group, offsets);
    }
  }, 120_000);

  afterAll(async () => {
    await groups.delete(names).catch(() => undefined);
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await Promise.all([admin.disconnect(), cluster.disconnect()]);
  });

  type Versioned = { versions: Record<number, { maxVersion: number }>; connectionPool: { send(r: { request: { apiKey: number; apiVersion: number } }): Promise<unknown> } };
  const brokers = async () => {
    await cluster.refreshMetadata();
    return (await Promise.all(cluster.getNodeIds().map((nodeId) => cluster.findBroker({ nodeId: String(nodeId) })))) as unknown as Versioned[];
  };
  /** The versions of the OffsetFetch requests `fn` sends. */
  const offsetFetchVersions = async (fn: () => Promise<unknown>) => {
    const sent: number[] = [];
    const pools = (await brokers()).map((b) => b.connectionPool);
    const sends = pools.map((pool) => pool.send);
    pools.forEach((pool, i) => {
      pool.send = (r) => {
        if (r.request.apiKey === 9) sent.push(r.request.apiVersion);
        return sends[i]!.call(pool, r);
      };
    });
    try {
      await fn();
    } finally {
      pools.forEach((pool, i) => (pool.send = sends[i]!));
    }
    return sent;
  };
  const oneByOne = () => Promise.all([...names, 'group-offsets-never-committed'].map((g) => groups.committed(g)));

  it('equals one OffsetFetch per group, in the order asked, a group that never committed included', async () => {
    const expected = await oneByOne();
    expect(expected[7]).toEqual([
      { topic: topics[0], partition: 0, offset: 7n, metadata: null },
      { topic: topics[0], partition: 1, offset: 7n, metadata: null },
      { topic: topics[1], partition: 1, offset: 14n, metadata: null },
    ]);
    expect(expected[GROUPS]).toEqual([]);
    const versions = await offsetFetchVersions(async () => expect(await groups.committedOf([...names, 'group-offsets-never-committed'])).toEqual(expected));
    // 61 groups: two requests per coordinator at most.
    expect(versions.every((v) => v === 8)).toBe(true);
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.length).toBeLessThanOrEqual(2 * cluster.getNodeIds().length);
  });

  it('asks a coordinator older than Kafka 3.0 one group at a time, with the same answer', async () => {
    const expected = await oneByOne();
    // What such a broker's ApiVersions answer says: OffsetFetch up to version 7.
    const offsetFetch = (await brokers()).map((b) => b.versions[9]!);
    const before = offsetFetch.map((v) => v.maxVersion);
    for (const v of offsetFetch) v.maxVersion = 7;
    try {
      const versions = await offsetFetchVersions(async () => expect(await groups.committedOf([...names, 'group-offsets-never-committed'])).toEqual(expected));
      expect(versions).toEqual(new Array(GROUPS + 1).fill(3));
    } finally {
      offsetFetch.forEach((v, i) => (v.maxVersion = before[i]!));
    }
  });
});
