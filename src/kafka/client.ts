import fs from 'node:fs';
import { Kafka, type KafkaConfig, type Admin, logLevel, type logCreator, type RetryOptions } from 'kafkajs';
import { UnreachableError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
// Every client streamflow makes comes from createKafka: the fix applies to all of them.
import './kafkajs-request-queue.js';

/** How long a command may spend before it reports the cluster unreachable (README: under 15 s). */
export const CONNECT_DEADLINE_MS = 10_000;

/**
 * How long a send keeps retrying before it fails: Java's delivery.timeout.ms default. It rides
 * out a partition leader's death (here up to 40 s before the controller moves its leaders on a
 * loaded machine), as Kafka's own producers do.
 */
export const DELIVERY_TIMEOUT_MS = 120_000;

/**
 * kafkajs retry options whose waits (doubling from `initialRetryTime`, jittered by a fifth, capped
 * at `maxRetryTime`) add up to `budgetMs`. Factor and multiplier are spelled out: kafkajs swaps
 * in other defaults when NODE_ENV is "test".
 */
export function retryWithin(budgetMs: number, initialRetryTime = 100, maxRetryTime = 5_000): RetryOptions {
  const multiplier = 2;
  let retries = 0;
  for (let waited = 0, wait = initialRetryTime; waited < budgetMs; wait = Math.min(multiplier * wait, maxRetryTime)) {
    waited += wait;
    retries++;
  }
  return { retries, initialRetryTime, maxRetryTime, factor: 0.2, multiplier };
}

export interface ClientOptions {
  clientId?: string;
  /** Route kafkajs' own log lines to this sink (only under --verbose). */
  log?: (line: string) => void;
}

export function createKafka(conn: Connection, opts: ClientOptions = {}): Kafka {
  const config: KafkaConfig = {
    clientId: opts.clientId ?? 'streamflow',
    brokers: conn.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 15_000,
    // Fail fast on a dead address; callers that need resilience (consumers) override this.
    retry: { retries: 3, initialRetryTime: 250, maxRetryTime: 2_000 },
    logLevel: opts.log ? logLevel.INFO : logLevel.NOTHING,
  };
  if (opts.log) config.logCreator = lineLogger(opts.log);
  if (conn.sasl) {
    config.sasl = { mechanism: conn.sasl.mechanism, username: conn.sasl.username, password: conn.sasl.password } as KafkaConfig['sasl'];
  }
  if (conn.tls) {
    config.ssl =
      typeof conn.tls === 'boolean'
        ? conn.tls
        : {
            rejectUnauthorized: conn.tls.rejectUnauthorized,
            ...(conn.tls.ca ? { ca: [fs.readFileSync(conn.tls.ca, 'utf8')] } : {}),
            ...(conn.tls.cert ? { cert: fs.readFileSync(conn.tls.cert, 'utf8') } : {}),
            ...(conn.tls.key ? { key: fs.readFileSync(conn.tls.key, 'utf8') } : {}),
            ...(conn.tls.servername ? { servername: conn.tls.servername } : {}),
          };
  }
  return new Kafka(config);
}

function lineLogger(sink: (line: string) => void): logCreator {
  return () =>
    ({ namespace, label, log }) => {
      const { message, broker, error } = log as { message: string; broker?: string; error?: string };
      sink(`kafkajs ${label} [${namespace}] ${message}${broker ? ` broker=${broker}` : ''}${error ? ` error=${error}` : ''}`);
    };
}

/**
 * Run `fn` with a connected admin client. Connecting is bounded by CONNECT_DEADLINE_MS and
 * a failure names the address that failed, so no command hangs on a dead cluster.
 */
export async function withAdmin<T>(kafka: Kafka, brokers: string[], fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  try {
    await connectWithin(() => admin.connect(), brokers);
    return await fn(admin);
  } catch (err) {
    throw toUnreachable(err, brokers) ?? err;
  } finally {
    await disconnectQuietly(() => admin.disconnect());
  }
}

/** Disconnect without letting a half-open connection delay the command's exit. */
export async function disconnectQuietly(disconnect: () => Promise<void>, withinMs = 1_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([disconnect().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, withinMs)))]);
  clearTimeout(timer);
}

export async function connectWithin(connect: () => Promise<void>, brokers: string[], deadlineMs = CONNECT_DEADLINE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnreachableError('kafka', brokers.join(','), `no answer within ${Math.round(deadlineMs / 1000)} s`)),
      deadlineMs,
    );
  });
  try {
    await Promise.race([connect(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Map kafkajs connection failures to an UnreachableError naming the broker; undefined for other errors. */
export function toUnreachable(err: unknown, brokers: string[]): UnreachableError | undefined {
  if (err instanceof UnreachableError) return err;
  for (let e = err as { name?: string; message?: string; broker?: string; originalError?: unknown; cause?: unknown } | undefined; e; ) {
    if (e.name === 'KafkaJSConnectionError' || e.name === 'KafkaJSConnectionClosedError' || /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|Connection timeout/.test(e.message ?? '')) {
      const address = e.broker ?? addressIn(e.message) ?? brokers.join(',');
      return new UnreachableError('kafka', address, cleanReason(e.message ?? 'connection failed'), 'check the address, that the broker is up (`streamflow dev status`), and the security settings of the context');
    }
    if (e.name === 'KafkaJSSASLAuthenticationError') {
      return new UnreachableError('kafka', brokers.join(','), cleanReason(e.message ?? 'SASL authentication failed'), 'check the SASL mechanism, username and password of the context');
    }
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return undefined;
}

function addressIn(message?: string): string | undefined {
  return message?.match(/(\d{1,3}(?:\.\d{1,3}){3}:\d+|[a-z0-9.-]+:\d+)/i)?.[1];
}

function cleanReason(message: string): string {
  return message.replace(/^Connection error: /, '').replace(/^connect /, '');
}
