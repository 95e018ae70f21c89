import { type Producer } from 'kafkajs';
import { JavaCompatiblePartitioner } from './java-partitioner.js';
import { StreamflowError, ExitCode } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { connectWithin, createKafka, disconnectQuietly, toUnreachable } from './client.js';
import { sendCompletely } from './complete-send.js';
import type { TopicPartitionOffset } from './consumer-groups.js';
import { withKafkaRetry } from './kafka-retry.js';

export interface TransactionalMessage {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
  /** Unset: the Java-compatible (murmur2) partitioner places it by key. */
  partition?: number;
}

export interface TransactionalSender {
  /**
   * Fence every earlier producer with this transactional id: Kafka completes or aborts its
   * open transaction first, so committed offsets read afterwards are final.
   */
  fence(): Promise<void>;
  /** Write `messages` and commit `offsets` (each with its metadata string) for `group` in one Kafka transaction: both or neither. */
  sendWithOffsets(messages: TransactionalMessage[], group: string, offsets: Array<TopicPartitionOffset & { metadata?: string }>): Promise<void>;
  disconnect(): Promise<void>;
}

/** Another run took over the same transactional id (a second `dlq redrive` of the same job). */
export class ProducerFencedError extends StreamflowError {
  constructor(transactionalId: string) {
    super(`another producer with transactional id ${transactionalId} took over (fenced); nothing of this batch was written`, ExitCode.checkFailed, 'is the same job running elsewhere? rerun it once that one finishes');
  }
}

/**
 * An idempotent, transactional producer (acks=all, one request in flight): the records of a
 * batch and the consumer-group offsets that checkpoint them become visible atomically, so a
 * crash between "sent" and "checkpointed" cannot happen. Readers see only committed batches
 * when they read with isolation.level=read_committed (kafkajs' default; Java's is not).
 */
export async function connectTransactionalProducer(conn: Connection, transactionalId: string): Promise<TransactionalSender> {
  const kafka = createKafka(conn, { clientId: 'streamflow-redrive' });
  const producer: Producer = kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: JavaCompatiblePartitioner,
    allowAutoTopicCreation: false,
    retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 5_000 },
  });
  try {
    // InitProducerId goes to the transaction coordinator, which on a fresh cluster is still
    // creating or loading __transaction_state: kafkajs' own retries give up too soon.
    await withKafkaRetry(() => connectWithin(() => producer.connect(), conn.brokers), { concurrentTransactionsIsTransient: true });
  } catch (err) {
    throw toUnreachable(err, conn.brokers) ?? err;
  }
  const fenced = (err: unknown) =>
    [err, (err as { cause?: unknown }).cause, (err as { originalError?: unknown }).originalError].some((e) => {
      const type = (e as { type?: string } | undefined)?.type;
      return type === 'INVALID_PRODUCER_EPOCH' || type === 'PRODUCER_FENCED';
    });
  return {
    async fence() {
      const txn = await producer.transaction();
      await txn.abort();
    },
    async sendWithOffsets(messages, group, offsets) {
      const txn = await producer.transaction();
      try {
        const byTopic = new Map<string, TransactionalMessage[]>();
        for (const m of messages) {
          const batch = byTopic.get(m.topic);
          if (batch) batch.push(m);
          else byTopic.set(m.topic, [m]);
        }
        for (const [topic, batch] of byTopic) {
          const out = batch.map((m) => ({ key: m.key, value: m.value, headers: m.headers, ...(m.partition !== undefined ? { partition: m.partition } : {}) }));
          await sendCompletely((slice) => txn.send({ topic, acks: -1, messages: slice }), topic, out);
        }
        const offsetsByTopic = new Map<string, Array<{ partition: number; offset: string; metadata?: string }>>();
        for (const o of offsets) {
          const entry = { partition: o.partition, offset: o.offset.toString(), ...(o.metadata !== undefined ? { metadata: o.metadata } : {}) };
          offsetsByTopic.set(o.topic, [...(offsetsByTopic.get(o.topic) ?? []), entry]);
        }
        // AddOffsetsToTxn and TxnOffsetCommit: kafkajs retries neither a group coordinator that is
        // loading or moved nor a transaction coordinator still finishing the last transaction's
        // markers. Each is a no-op when it failed, and repeating them within the open
        // transaction is allowed, so ask again (with the coordinator found afresh).
        if (offsetsByTopic.size > 0) await withKafkaRetry(() => txn.sendOffsets({ consumerGroupId: group, topics: [...offsetsByTopic].map(([topic, partitions]) => ({ topic, partitions })) }), {
          unknownTopicIsTransient: true,
          concurrentTransactionsIsTransient: true,
        });
        await txn.commit();
      } catch (err) {
        await txn.abort().catch(() => undefined);
        if (fenced(err)) throw new ProducerFencedError(transactionalId);
        throw toUnreachable(err, conn.brokers) ?? err;
      }
    },
    disconnect: () => disconnectQuietly(() => producer.disconnect(), 5_000),
  };
}
