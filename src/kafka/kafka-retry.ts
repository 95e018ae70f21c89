import { setTimeout as sleep } from 'node:timers/promises';

/*
 * Kafka answers some requests with errors that only mean "not yet" or "ask someone else": a
 * group coordinator still loading __consumer_offsets (or the coordinator moved), a partition
 * whose leader is being elected, a topic whose metadata has not reached every listener right
 * after it was created. Clients are expected to refresh what they know (metadata, the
 * coordinator) and ask again. kafkajs does so in its consumers and producers but not in most
 * of what streamflow calls (admin.fetchOffsets, the internal cluster's Fetch/ListOffsets/
 * OffsetCommit, a transaction's AddOffsetsToTxn), so on a freshly started cluster those
 * fail at once. This is the one place that knows which errors are worth another attempt.
 */

/** Coordinator errors, under Kafka's current names and kafkajs' older ones (NOT_COORDINATOR_FOR_GROUP, ...). */
const COORDINATOR_ERRORS = new Set([
  'NOT_COORDINATOR',
  'NOT_COORDINATOR_FOR_GROUP',
  'COORDINATOR_NOT_AVAILABLE',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'GROUP_LOAD_IN_PROGRESS',
]);

/** Partition leadership errors: metadata is stale or an election is under way. */
const LEADER_ERRORS = new Set(['LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER', 'NOT_LEADER_FOR_PARTITION', 'REPLICA_NOT_AVAILABLE']);

/** kafkajs' own "I could not find it (yet)" errors, raised before any request is sent. */
const CLIENT_ERRORS = new Set(['KafkaJSGroupCoordinatorNotFound', 'KafkaJSBrokerNotFound']);

export interface RetryOptions {
  /**
   * Retry UNKNOWN_TOPIC_OR_PARTITION too. Only where the topic is known to exist (it was
   * just listed or named by the caller): right after a topic is created, brokers answer this
   * until its metadata reached them. The bounded budget keeps a deleted topic from hanging.
   */
  unknownTopicIsTransient?: boolean;
  /** Also retry CONCURRENT_TRANSACTIONS (the transaction coordinator is finishing the last one). */
  concurrentTransactionsIsTransient?: boolean;
  /** Other errors this caller knows to be worth another attempt (e.g. a connection to a broker that left). */
  alsoTransient?: (err: unknown, attempt: number) => boolean;
  /** Total time allowed for retries (the first attempt is always made). Default RETRY_BUDGET_MS (COORDINATOR_RETRY_BUDGET_MS while the error is a coordinator's). */
  budgetMs?: number;
  /** Between attempts: refresh metadata, find the coordinator again. Its failures are ignored. */
  beforeRetry?: (err: unknown, attempt: number) => Promise<unknown> | unknown;
}

/** A few seconds: well inside the CLI's 15 s budget for an unreachable cluster. */
export const RETRY_BUDGET_MS = 5_000;
/**
 * A coordinator that is loading says it is making progress: the first group (or transaction)
 * on a fresh cluster creates __consumer_offsets (50 partitions) and loads it, which takes more
 * than 5 s on a busy small machine. Still under the 15 s budget.
 */
export const COORDINATOR_RETRY_BUDGET_MS = 10_000;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 1_000;

/** The Kafka error type (e.g. 'NOT_COORDINATOR') of `err` or of an error it wraps. */
export function kafkaErrorTypes(err: unknown): string[] {
  const types: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown) => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const { type, name, originalError, cause, errors } = e as { type?: unknown; name?: unknown; originalError?: unknown; cause?: unknown; errors?: unknown };
    if (typeof type === 'string') types.push(type);
    if (typeof name === 'string' && CLIENT_ERRORS.has(name)) types.push(name);
    visit(originalError);
    visit(cause);
    if (Array.isArray(errors)) errors.forEach(visit);
  };
  visit(err);
  return types;
}

/** Whether another attempt (after refreshing metadata / the coordinator) may succeed. */
export function isTransientKafkaError(err: unknown, opts: Pick<RetryOptions, 'unknownTopicIsTransient' | 'concurrentTransactionsIsTransient'> = {}): boolean {
  return kafkaErrorTypes(err).some(
    (t) =>
      COORDINATOR_ERRORS.has(t) ||
      LEADER_ERRORS.has(t) ||
      CLIENT_ERRORS.has(t) ||
      (opts.unknownTopicIsTransient === true && t === 'UNKNOWN_TOPIC_OR_PARTITION') ||
      (opts.concurrentTransactionsIsTransient === true && t === 'CONCURRENT_TRANSACTIONS'),
  );
}

/**
 * Run `op`, and again with backoff (100 ms doubling to 1 s) while it fails with a transient
 * Kafka error and the budget lasts; `beforeRetry` refreshes what the client knows in between.
 * Any other error, or the last transient one, is thrown as is.
 */
export async function withKafkaRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const started = Date.now();
  let backoff = FIRST_BACKOFF_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      const wait = Math.min(backoff, MAX_BACKOFF_MS);
      const budget = opts.budgetMs ?? (kafkaErrorTypes(err).some((t) => COORDINATOR_ERRORS.has(t)) ? COORDINATOR_RETRY_BUDGET_MS : RETRY_BUDGET_MS);
      if (!(isTransientKafkaError(err, opts) || opts.alsoTransient?.(err, attempt) === true) || Date.now() + wait > started + budget) throw err;
      await sleep(wait);
      backoff *= 2;
      if (opts.beforeRetry) {
        try {
          await opts.beforeRetry(err, attempt);
        } catch {
          // The next attempt reports what is still wrong.
        }
      }
    }
  }
}
