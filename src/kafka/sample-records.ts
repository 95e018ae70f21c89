import type { Connection } from '../config/resolve-connection.js';
import { createKafka } from './client.js';

/** Value sizes of up to `limit` records from the start of `topic` (a throwaway consumer group). */
export async function sampleRecordSizes(conn: Connection, topic: string, limit: number): Promise<number[]> {
  const consumer = createKafka(conn).consumer({ groupId: `streamflow-sample-${Date.now().toString(36)}` });
  await consumer.connect();
  const sizes: number[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) if (sizes.length < limit) sizes.push(m.value?.length ?? 0);
          if (sizes.length >= limit) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return sizes;
}
