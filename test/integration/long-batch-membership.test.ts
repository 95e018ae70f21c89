import { describe, expect, it } from 'vitest';
import { startTransactionalConsumer } from '../../src/kafka/transactional-consumer.js';
import { createTopic } from '../../src/topics/topic-admin.js';
import { testConnection, uniqueName, writeInTransactions } from './helpers.js';

/**
 * Found by `bench e2e --processes 2`: on a busy machine a chunk outlasted the 10 s session
 * timeout, the coordinator dropped the member mid-batch ("The coordinator is not aware of
 * this member"), and the rebalances that followed had every service redo its work in hand
 * (payment handled 1.8x its input). A member whose chunk takes longer than the session
 * timeout keeps its partitions and commits once.
 */
describe('a chunk longer than the session timeout', () => {
  it('keeps the member in the group: no failed batch, every record once', async () => {
    const conn = testConnection();
    const topic = uniqueName('long-batch');
    await createTopic(conn, { name: topic, partitions: 1, replicationFactor: 1, configs: {} });
    await writeInTransactions(topic, [Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }))]);

    const seen: string[] = [];
    const errors: string[] = [];
    const consumer = await startTransactionalConsumer(conn, {
      groupId: uniqueName('long-batch-group'),
      topics: [topic],
      maxBatch: 3,
      concurrency: 1,
      onBatch: async (records) => {
        // The first chunk takes longer than the member's 10 s session timeout.
        if (seen.length === 0) await new Promise((r) => setTimeout(r, 13_000));
        seen.push(...records.map((r) => r.value!.toString()));
        return { outputs: [] };
      },
      onBatchError: (err) => void errors.push(`${err.name}: ${err.message}`),
      onRestart: (err) => void errors.push(`restart: ${err.message}`),
    });
    try {
      const deadline = Date.now() + 40_000;
      while (seen.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      // A dropped member would find out at its next heartbeat and fetch again.
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      await consumer.stop();
    }
    expect(errors).toEqual([]);
    expect(seen).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);
  }, 60_000);
});
