import os from 'node:os';
import { type Consumer, type EachBatchPayload, type Message, type Producer } from 'kafkajs';
import { JavaCompatiblePartitioner } from './java-partitioner.js';
import type { Connection } from '../config/resolve-connection.js';
import { connectWithin, createKafka, disconnectQuietly, toUnreachable } from './client.js';
import { type BatchKeepAlive, keepBatchAlive } from './batch-keep-alive.js';
import { commitInTransaction } from './commit-in-transaction.js';
import type { ConsumedRecord } from './record-reader.js';

/**
 * A record of a consumer's batch: a ConsumedRecord as kafkajs' eachBatch hands it over, offset
 * and timestamp as decimal strings (the runtime keeps them so, in parked records and DLQ
 * headers) and headers by name (the last value of a repeated one).
 */
/**
 * How often a member heartbeats, in its fetch loop and while a batch is in hand: a third of
 * the session timeout, as Kafka advises. An idle member's cost is its heartbeats and its empty
 * fetches: with a service's three stages per process and several processes per service, a
 * second's heartbeat and every stage's quarter-second fetch wait cost the broker a tenth of a
 * core per idle process. The main stage keeps the short wait: 500 ms slowed `bench e2e` (each
 * service waits on the one before it) by a fifth.
 */
const HEARTBEAT_MS = 3_000;
const FETCH_WAIT_MS = 250;
/** Retry stages wait seconds before a record is due anyway. */
const DELAYED_FETCH_WAIT_MS = 2_000;

export interface BatchRecord extends Omit<ConsumedRecord, 'offset' | 'timestamp' | 'headers'> {
  offset: string;
  timestamp: string;
  headers: Record<string, Buffer>;
}

export interface ProducedRecord {
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, Buffer>;
}

export interface ChunkOutcome {
  outputs: ProducedRecord[];
  /** Called once the chunk's transaction committed (e.g. to drop what only a replay needed). */
  afterCommit?(): Promise<void>;
}

export interface TransactionalConsumerOptions {
  groupId: string;
  topics: string[];
  /** Process records only once their timestamp is this old (non-blocking retry topics). */
  delayMs?: number;
  /** Records handled per transaction. */
  maxBatch?: number;
  /** Partitions processed at once, each with its own transactional producer. */
  concurrency?: number;
  /** Make a chunk's effects durable; its outputs then commit with its offsets in one transaction. */
  onBatch(records: BatchRecord[]): Promise<ChunkOutcome>;
  onCommitted?(info: { topic: string; partition: number; records: number; ms: number; lagBehind: number }): void;
  /** The member crashed (or failed to come back) and is being replaced. */
  onRestart?(error: Error): void;
  /** A batch failed and will be redelivered (e.g. its store is failing over). */
  onBatchError?(error: Error, at: { topic: string; partition: number }): void;
}

export interface RunningConsumer {
  /** Time of the last record handled (or of the start). */
  lastActivity(): number;
  /** Stop fetching, finish the batch in hand, commit it, leave the group. */
  stop(): Promise<void>;
}

/**
 * A consumer group member whose every batch is one Kafka transaction: the records the batch
 * produced (events, retries, dead letters) and the batch's consumed offsets commit together
 * or not at all (exactly-once from Kafka to Kafka). Offsets only ever cover records whose
 * effects were already made durable by onBatch.
 *
 * kafkajs gives a consumer up for good after a non-retriable error, and a transactional
 * producer whose commit or abort failed (its coordinator died mid-call) fails every later
 * transaction. Either would leave a live process that consumes nothing, so a crashed member
 * is replaced, consumer and producers alike, and resumes from the committed offsets.
 */
export async function startTransactionalConsumer(conn: Connection, opts: TransactionalConsumerOptions): Promise<RunningConsumer> {
  let last = Date.now();
  const touch = () => void (last = Date.now());
  const stop = new AbortController();
  const stopRequested = new Promise<null>((resolve) => stop.signal.addEventListener('abort', () => resolve(null)));
  const open = async () => {
    let crash = (_: Error) => undefined as void;
    const crashed = new Promise<Error>((resolve) => (crash = resolve));
    return { member: await openMember(conn, opts, touch, (err) => crash(err)), crashed };
  };

  let current: Awaited<ReturnType<typeof open>>;
  try {
    current = await open();
  } catch (err) {
    throw toUnreachable(err, conn.brokers) ?? err;
  }
  const supervisor = (async () => {
    for (;;) {
      // A crash may come while the member is still joining: `crashed` then resolves at once.
      const error = await Promise.race([current.crashed, stopRequested]);
      await current.member.close();
      if (error === null) return;
      opts.onRestart?.(error);
      for (let attempt = 1; ; attempt++) {
        await new Promise((r) => setTimeout(r, Math.min(1_000 * attempt, 10_000)));
        touch(); // healing is work in hand, not idleness
        if (stop.signal.aborted) return;
        try {
          current = await open();
          break;
        } catch (err) {
          opts.onRestart?.(err as Error);
        }
      }
    }
  })();
  return {
    lastActivity: () => last,
    stop: async () => {
      stop.abort();
      await supervisor;
    },
  };
}

interface Member {
  /** Finish and commit the batches in hand, leave the group, close the producers. */
  close(): Promise<void>;
}

/** One group member: a consumer and its transactional producers (fresh transactional ids each time). */
async function openMember(conn: Connection, opts: TransactionalConsumerOptions, touch: () => void, onCrash: (error: Error) => void): Promise<Member> {
  const kafka = createKafka(conn, { clientId: opts.groupId });
  // Consumers ride out broker restarts instead of failing fast like one-shot commands.
  const retry = { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 };
  // A crash replaces the whole member (see startTransactionalConsumer), never the consumer alone.
  const consumer: Consumer = kafka.consumer({ groupId: opts.groupId, retry: { ...retry, restartOnFailure: async () => false }, sessionTimeout: 10_000, heartbeatInterval: HEARTBEAT_MS, maxWaitTimeInMs: opts.delayMs ? DELAYED_FETCH_WAIT_MS : FETCH_WAIT_MS, readUncommitted: false });
  // A transactional producer runs one transaction at a time: one per concurrent partition.
  const concurrency = opts.concurrency ?? 4;
  const producers: Producer[] = Array.from({ length: concurrency }, (_, i) =>
    kafka.producer({
      transactionalId: `${opts.groupId}-${os.hostname()}-${process.pid}-${i}-${Math.random().toString(36).slice(2, 8)}`,
      idempotent: true,
      maxInFlightRequests: 1,
      // A SIGKILLed member leaves its transaction open, which holds back read_committed readers
      // until the broker aborts it: keep that window short (our transactions take milliseconds).
      transactionTimeout: 10_000,
      createPartitioner: JavaCompatiblePartitioner,
      retry,
    }),
  );
  const idle = [...producers];
  const close = async () => {
    await consumer.disconnect().catch(() => undefined);
    await Promise.all(producers.map((p) => disconnectQuietly(() => p.disconnect(), 5_000)));
  };
  try {
    await connectWithin(() => Promise.all(producers.map((p) => p.connect())).then(() => undefined), conn.brokers);
    await connectWithin(() => consumer.connect(), conn.brokers);
    await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
  } catch (err) {
    await close();
    throw err;
  }
  consumer.on(consumer.events.CRASH, ({ payload }) => onCrash(payload.error));
  const maxBatch = opts.maxBatch ?? 500;

  const commitChunk = async (payload: EachBatchPayload, chunk: BatchRecord[], outcome: ChunkOutcome, producer: Producer, final: boolean, t0: number, alive: BatchKeepAlive) => {
    // The batch's last offset may be a transaction marker after the last record: commit past
    // it on the final chunk, or the group shows a lag of 1 that nothing can consume.
    const lastRecord = BigInt(chunk.at(-1)!.offset);
    const batchEnd = BigInt(payload.batch.lastOffset());
    const next = ((final && batchEnd > lastRecord ? batchEnd : lastRecord) + 1n).toString();
    await commitInTransaction(producer, messagesByTopic(outcome.outputs), { groupId: opts.groupId, topic: payload.batch.topic, partition: payload.batch.partition, next });
    // Best effort: what it drops (outboxes) also expires on its own.
    void outcome.afterCommit?.().catch(() => undefined);
    payload.resolveOffset(chunk.at(-1)!.offset);
    touch();
    opts.onCommitted?.({
      topic: payload.batch.topic,
      partition: payload.batch.partition,
      records: chunk.length,
      ms: Date.now() - t0,
      lagBehind: Math.max(0, Number(BigInt(payload.batch.highWatermark) - BigInt(chunk.at(-1)!.offset) - 1n)),
    });
    alive.progressed();
  };

  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: concurrency,
    eachBatch: async (payload) => {
      const producer = idle.pop()!; // kafkajs runs at most `concurrency` batches at once
      try {
        await consumeBatch(payload, producer);
      } catch (err) {
        // A failed batch (its store mid-failover) is redelivered: work in hand, not idleness,
        // or --until-idle would stop a consumer that is waiting out a failover.
        touch();
        opts.onBatchError?.(err as Error, { topic: payload.batch.topic, partition: payload.batch.partition });
        throw err;
      } finally {
        idle.push(producer);
      }
    },
  });

  async function consumeBatch(payload: EachBatchPayload, producer: Producer): Promise<void> {
    const records = payload.batch.messages.map((m) => ({
      topic: payload.batch.topic,
      partition: payload.batch.partition,
      offset: m.offset,
      timestamp: m.timestamp,
      key: m.key,
      value: m.value,
      headers: Object.fromEntries(Object.entries(m.headers ?? {}).flatMap(([k, v]) => (v === undefined ? [] : [[k, Buffer.isBuffer(v) ? v : Buffer.from(String(v))]]))),
    }));
    // A chunk's effects are made durable while the previous chunk's transaction commits: the
    // store round trip and the Kafka one overlap, and transactions still commit in offset order.
    let committing: Promise<void> = Promise.resolve();
    const alive = keepBatchAlive(payload, HEARTBEAT_MS);
    const inHand = () => payload.isRunning() && !payload.isStale() && !alive.leaving;
    try {
      for (let i = 0; i < records.length && inHand(); ) {
        if (opts.delayMs) {
          const due = Number(records[i]!.timestamp) + opts.delayMs;
          while (Date.now() < due && inHand()) {
            await new Promise((r) => setTimeout(r, Math.min(1_000, due - Date.now())));
            alive.progressed();
            touch(); // waiting on a due retry is work in hand, not idleness
          }
          if (!inHand()) break;
        }
        let end = i + 1;
        while (end < records.length && end - i < maxBatch && (!opts.delayMs || Number(records[end]!.timestamp) + opts.delayMs <= Date.now())) end++;
        const chunk = records.slice(i, end);
        const t0 = Date.now();
        const outcome = await opts.onBatch(chunk);
        await committing;
        committing = commitChunk(payload, chunk, outcome, producer, end === records.length, t0, alive);
        committing.catch(() => undefined); // awaited below or by the next chunk
        i = end;
      }
      await committing;
    } finally {
      alive.stop();
      // The producer goes back to the pool only once its transaction is over.
      await committing.catch(() => undefined);
    }
  }

  return { close };
}

/** The chunk's outputs as kafkajs messages, per topic. */
function messagesByTopic(records: ProducedRecord[]): Map<string, Message[]> {
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    const message = { key: r.key, value: r.value, headers: r.headers };
    const list = byTopic.get(r.topic);
    if (list) list.push(message);
    else byTopic.set(r.topic, [message]);
  }
  return byTopic;
}
