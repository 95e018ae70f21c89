import { CompressionTypes, type Producer } from 'kafkajs';
import type { Connection } from '../config/resolve-connection.js';
import { DELIVERY_TIMEOUT_MS, connectWithin, createKafka, disconnectQuietly, retryWithin, toUnreachable } from './client.js';
import { sendCompletely } from './complete-send.js';
import { JavaCompatiblePartitioner } from './java-partitioner.js';

export interface OutRecord {
  key: string | Buffer;
  value: Buffer;
  /** An array repeats the header, in order. */
  headers?: Record<string, string | Buffer | Array<string | Buffer>>;
  partition?: number;
  timestamp?: string;
}

/** Any record Kafka takes: no key (round robin), a null value (a tombstone). */
export interface AnyRecord extends Omit<OutRecord, 'key' | 'value'> {
  key: string | Buffer | null;
  value: Buffer | null;
}

export type Compression = 'none' | 'gzip';

export interface ProducerOptions {
  /** Idempotent + acks=all: no duplicates or reordering from producer retries (the default). */
  idempotent: boolean;
  acks: -1 | 1 | 0;
  compression: Compression;
  clientId?: string;
}

export interface RecordProducer {
  send(topic: string, records: AnyRecord[]): Promise<void>;
  disconnect(): Promise<void>;
}

/**
 * A producer that partitions keyed records exactly like the Java client (murmur2), so the
 * generator, the runtime and Kafka's own tools agree on where each key lives.
 */
export async function connectProducer(conn: Connection, opts: ProducerOptions): Promise<RecordProducer> {
  const kafka = createKafka(conn, { clientId: opts.clientId ?? 'streamflow-producer' });
  const producer: Producer = kafka.producer({
    idempotent: opts.idempotent,
    // kafkajs tracks idempotent sequence numbers per partition only for one request in flight.
    maxInFlightRequests: opts.idempotent ? 1 : 5,
    createPartitioner: JavaCompatiblePartitioner,
    allowAutoTopicCreation: false,
    retry: retryWithin(DELIVERY_TIMEOUT_MS),
  });
  try {
    await connectWithin(() => producer.connect(), conn.brokers);
  } catch (err) {
    throw toUnreachable(err, conn.brokers) ?? err;
  }
  const compression = opts.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
  return {
    async send(topic, records) {
      const acks = opts.idempotent ? -1 : opts.acks;
      // Without acks there is no answer to check the partitions against.
      if (acks === 0) await producer.send({ topic, acks, compression, messages: records });
      else await sendCompletely((messages) => producer.send({ topic, acks, compression, messages }), topic, records);
    },
    disconnect: () => disconnectQuietly(() => producer.disconnect(), 5_000),
  };
}

/**
 * Send a few records with an idempotent, acks=all producer of their own and disconnect: the
 * one-off writes of a command (an audit entry, a cancel request, a corrected record).
 */
export async function sendOnce(conn: Connection, clientId: string, topic: string, records: OutRecord[]): Promise<void> {
  const producer = await connectProducer(conn, { idempotent: true, acks: -1, compression: 'none', clientId });
  try {
    await producer.send(topic, records);
  } finally {
    await producer.disconnect();
  }
}
