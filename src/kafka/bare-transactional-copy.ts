import type { EachBatchPayload, Producer } from 'kafkajs';
import type { Connection } from '../config/resolve-connection.js';
import { createKafka } from './client.js';
import { commitInTransaction } from './commit-in-transaction.js';
import { JavaCompatiblePartitioner } from './java-partitioner.js';

export interface TransactionalCopyOptions {
  from: string;
  to: string;
  records: number;
  groupId: string;
  /** Records per transaction. */
  transactionSize: number;
  /** Partitions copied at once, each with its own transactional producer. */
  concurrency: number;
}

/**
 * Records/s of a kafkajs transactional copy that does nothing else: consume a batch, produce
 * the same records, commit their offsets in the same transaction. The client's own
 * exactly-once ceiling, shaped like startTransactionalConsumer (chunks of `transactionSize`,
 * `concurrency` partitions at once, the same partitioner and checked sends) without decoding,
 * processing or Redis. The first failed batch fails the copy.
 */
export async function copyTransactionally(conn: Connection, opts: TransactionalCopyOptions): Promise<number> {
  const kafka = createKafka(conn, { clientId: opts.groupId });
  const consumer = kafka.consumer({ groupId: opts.groupId, maxWaitTimeInMs: 250, readUncommitted: false });
  const producers: Producer[] = Array.from({ length: opts.concurrency }, (_, i) =>
    kafka.producer({ transactionalId: `${opts.groupId}-${i}`, idempotent: true, maxInFlightRequests: 1, createPartitioner: JavaCompatiblePartitioner }),
  );
  const idle = [...producers];
  await Promise.all([consumer.connect(), ...producers.map((p) => p.connect())]);
  await consumer.subscribe({ topics: [opts.from], fromBeginning: true });
  let copied = 0;
  let startedAt = 0;
  let finishedAt = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const copyChunk = async (payload: EachBatchPayload, producer: Producer, from: number, end: number) => {
        const chunk = payload.batch.messages.slice(from, end);
        const messages = chunk.map((m) => ({ key: m.key, value: m.value, headers: m.headers ?? {} }));
        const next = (BigInt(chunk.at(-1)!.offset) + 1n).toString();
        await commitInTransaction(producer, new Map([[opts.to, messages]]), { groupId: opts.groupId, topic: payload.batch.topic, partition: payload.batch.partition, next });
        payload.resolveOffset(chunk.at(-1)!.offset);
        copied += chunk.length;
        if (copied >= opts.records && !finishedAt) {
          finishedAt = Date.now();
          resolve();
        }
      };
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: opts.concurrency,
          eachBatch: async (payload) => {
            startedAt ||= Date.now(); // from the first batch, like the runtime's figure
            const producer = idle.pop()!;
            try {
              const n = payload.batch.messages.length;
              for (let i = 0; i < n && payload.isRunning() && !payload.isStale(); i += opts.transactionSize) {
                await copyChunk(payload, producer, i, Math.min(n, i + opts.transactionSize));
              }
            } catch (err) {
              // A failed copy is a broken benchmark, not a batch to retry for ever.
              reject(err);
              throw err;
            } finally {
              idle.push(producer);
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await Promise.all(producers.map((p) => p.disconnect()));
  }
  return copied / ((finishedAt - startedAt) / 1000);
}
