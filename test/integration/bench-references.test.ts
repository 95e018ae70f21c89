import { describe, expect, it } from 'vitest';
import { copyTransactionally } from '../../src/kafka/bare-transactional-copy.js';
import { createKafka } from '../../src/kafka/client.js';
import { withClusterSession } from '../../src/kafka/cluster-session.js';
import { testConnection, uniqueName } from './helpers.js';

/*
 * A small run of the references `npm run bench -- runtime` measures beside the runtime, so CI
 * still exercises them: the kafkajs transactional copy once retried a refused batch for ever
 * (its sends did not pin partitions), and the benchmark hung after its first figure.
 */
describe('the runtime benchmark\'s kafkajs transactional copy', () => {
  it('copies every record in transactions and commits the group at the end of each partition', async () => {
    const [from, to, groupId] = [uniqueName('bench-ref-in'), uniqueName('bench-ref-out'), uniqueName('bench-ref-group')];
    const records = 3_000;
    const admin = createKafka(testConnection()).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [from, to].map((topic) => ({ topic, numPartitions: 4 })), waitForLeaders: true });
      const producer = createKafka(testConnection()).producer();
      await producer.connect();
      await producer.send({ topic: from, messages: Array.from({ length: records }, (_, i) => ({ key: String(i), value: `record ${i}` })) });
      await producer.disconnect();

      const rate = await copyTransactionally(testConnection(), { from, to, records, groupId, transactionSize: 500, concurrency: 4 });
      expect(rate).toBeGreaterThan(0);
      await withClusterSession(testConnection(), async (s) => {
        const ranges = await s.offsets.ranges([0, 1, 2, 3].flatMap((partition) => [{ topic: from, partition }, { topic: to, partition }]));
        const ends = (topic: string) => ranges.filter((r) => r.topic === topic).reduce((n, r) => n + Number(r.latest), 0);
        // Each transaction also leaves a marker in the partitions it wrote: more offsets than records.
        expect(ends(to)).toBeGreaterThan(records);
        const committed = await s.groups.committed(groupId);
        expect(committed.reduce((n, c) => n + Number(c.offset), 0)).toBe(ends(from));
      });
    } finally {
      await admin.deleteTopics({ topics: [from, to] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
