import type { Connection } from '../config/resolve-connection.js';
import { createKafka } from './client.js';

/** Records/s of a kafkajs batch consumer that does nothing but count: the client's own ceiling. */
export async function countWithBareConsumer(conn: Connection, topic: string, records: number, groupId: string): Promise<number> {
  const consumer = createKafka(conn).consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: true,
      eachBatch: async ({ batch }) => {
        started ||= Date.now();
        seen += batch.messages.length;
        if (seen >= records) resolve();
      },
    });
  });
  const ms = Date.now() - started;
  await consumer.disconnect();
  return seen / (ms / 1000);
}
