import { UsageError } from '../errors.js';
import type { Connection } from '../config/resolve-connection.js';
import { type RunningConsumer, startTransactionalConsumer } from '../kafka/transactional-consumer.js';
import { RegistryClient } from '../schema/registry-client.js';
import { BatchFailureLog } from './batch-failure-log.js';
import { type BatchContext, processBatch } from './batch-processor.js';
import { checkoutEventCodec } from './checkout-event-codec.js';
import type { EffectStore } from './effect-store.js';
import { FaultyDownstream, type FaultOptions } from './fault-injection.js';
import { MemoryEffectStore } from './memory-effect-store.js';
import { RedisEffectStore } from './redis-effect-store.js';
import { StateCache } from './state-cache.js';
import type { RetryPolicy } from './retry-policy.js';
import { ServiceMetrics, serveMetrics, type ServiceMetricsSnapshot } from './service-metrics.js';
import { serviceHandlers, serviceTopics } from './services/index.js';
import type { ServiceName } from './types.js';

export interface RunServicesOptions {
  services: ServiceName[];
  /** Base consumer group (one service only); default `<service>-service`. */
  group?: string;
  store: 'redis' | 'memory';
  /**
   * Replicas each Redis master must hand a batch's writes to before its Kafka commit (WAIT), at
   * most as many as the master has; 'auto' (default): 1 on a cluster or when a single Redis has replicas; 0: never wait.
   */
  redisWaitReplicas?: number | 'auto';
  /** Dedup marks and outboxes live this long: at least the topics' retention. */
  ttlSec: number;
  /** State hashes per shard and generation (size them with `streamflow runtime plan`). */
  stateBuckets?: number;
  /** Keep the services' Redis state under this namespace (see storeScope); default: their own keys. */
  storeNamespace?: string;
  faults: FaultOptions;
  retry: RetryPolicy;
  maxBatch: number;
  contractsDir: string;
  /** Stop once every consumer has been idle this long. */
  untilIdleMs?: number;
  /** Idleness counts only once this says so (e.g. after the generator finished). */
  idleArmed?: () => boolean;
  metricsPort?: number;
  signal: AbortSignal;
  log: (m: string) => void;
  /** What an operator must not miss (e.g. a Redis master running without a replica); default: log. */
  warn?: (m: string) => void;
  onMetrics?: (snapshots: ServiceMetricsSnapshot[]) => void;
  /** Every consumer has joined its group. */
  onReady?: () => void;
}

export interface RunServicesResult {
  stoppedBy: 'idle' | 'signal';
  store: 'redis' | 'memory';
  services: ServiceMetricsSnapshot[];
}

/**
 * Run the reference services: per service one consumer group on its input topics plus one per
 * retry stage (whose records wait out their delay without blocking the main topics). Stops on
 * the abort signal or when idle, finishing and committing the batch in hand.
 */
export async function runServices(conn: Connection, opts: RunServicesOptions): Promise<RunServicesResult> {
  if (opts.group && opts.services.length > 1) throw new UsageError('--group names one service\'s group: use it with a single --service');
  const metrics = opts.services.map((s) => new ServiceMetrics(s));
  // The metrics port first: one that is taken is a usage error before anything connects.
  const server = opts.metricsPort !== undefined ? await serveMetrics(opts.metricsPort, metrics) : undefined;
  const store = await openStore(conn, opts).catch((err: unknown) => {
    server?.close();
    throw err;
  });
  const registry = new RegistryClient(conn.registry ?? (() => { throw new UsageError('the runtime needs the schema registry', 'run `streamflow dev up` or pass --registry'); })(), { signal: opts.signal });
  const codec = await checkoutEventCodec(registry, opts.contractsDir);
  const consumers: RunningConsumer[] = [];
  const failures = new BatchFailureLog(opts.log);
  const started = Date.now();
  try {
    for (const [i, service] of opts.services.entries()) {
      const handler = serviceHandlers[service];
      const t = serviceTopics(service);
      const group = opts.group ?? t.group;
      const stages = [
        { name: group, topics: handler.topics, delayMs: 0, failureTopic: t.retries[0]!.topic },
        { name: `${group}.retry.1`, topics: [t.retries[0]!.topic], delayMs: t.retries[0]!.delayMs, failureTopic: t.retries[1]!.topic },
        { name: `${group}.retry.2`, topics: [t.retries[1]!.topic], delayMs: t.retries[1]!.delayMs, failureTopic: t.dlq },
      ];
      for (const stage of stages) {
        // The stall is the payment gateway's (the seed's incident); transient failures hit every service.
        const downstream = new FaultyDownstream({ ...opts.faults, latencyMs: service === 'payment' ? opts.faults.latencyMs : 0 });
        const ctx: BatchContext = {
          handler,
          store,
          codec,
          downstream,
          retry: opts.retry,
          group: stage.name,
          failureTopic: stage.failureTopic,
          dlqTopic: t.dlq,
          ttlSec: opts.ttlSec,
          metrics: metrics[i]!.counters,
          onSagaAge: (ms) => metrics[i]!.recordSagaAge(ms),
          states: new StateCache(),
        };
        consumers.push(
          await startTransactionalConsumer(conn, {
            groupId: stage.name,
            topics: stage.topics,
            delayMs: stage.delayMs,
            maxBatch: opts.maxBatch,
            // Retry stages carry little traffic: one partition at a time (one producer) is plenty.
            concurrency: stage.delayMs ? 1 : 4,
            onBatch: (records) => {
              downstream.newBatch();
              return processBatch(records, ctx);
            },
            onCommitted: (c) => {
              metrics[i]!.recordBatch(c.topic, c.partition, c.records, c.ms, c.lagBehind);
              opts.onMetrics?.(metrics.map((m) => m.snapshot()));
            },
            onBatchError: (err, at) => failures.failed(stage.name, err, at),
            onRestart: (err) => opts.log(`${stage.name}: consumer replaced after ${err.name}: ${err.message}; it resumes from the committed offsets`),
          }),
        );
      }
      opts.log(`${service}: consuming ${handler.topics.join(', ')} as group ${group} (+ retry stages ${t.retries.map((r) => r.topic).join(', ')}; DLQ ${t.dlq})`);
    }
    opts.onReady?.();
    const stoppedBy = await waitForStop(consumers, opts.signal, opts.untilIdleMs, started, opts.idleArmed ?? (() => true));
    return { stoppedBy, store: store.kind, services: metrics.map((m) => m.snapshot()) };
  } finally {
    await Promise.all(consumers.map((c) => c.stop().catch(() => undefined)));
    server?.close();
    await store.close();
  }
}

async function openStore(conn: Connection, opts: RunServicesOptions): Promise<EffectStore> {
  if (opts.store === 'memory') {
    opts.log('Using the embedded in-memory dedup store: effects last as long as this process; run one process only.');
    return new MemoryEffectStore();
  }
  if (!conn.redis) throw new UsageError('no Redis configured for the dedup store', 'run `streamflow dev up`, pass --redis redis://host:port, or use --store memory for a single process');
  const store = await RedisEffectStore.connect(conn.redis.url, {
    waitReplicas: opts.redisWaitReplicas ?? 'auto',
    log: opts.log,
    warn: opts.warn ?? opts.log,
    ...(opts.stateBuckets ? { layout: { buckets: opts.stateBuckets } } : {}),
    ...(opts.storeNamespace ? { namespace: opts.storeNamespace } : {}),
  });
  try {
    for (const service of opts.services) await store.recordLayout(service, opts.ttlSec);
  } catch (err) {
    await store.close();
    throw err;
  }
  if (opts.storeNamespace) opts.log(`Redis store namespace ${opts.storeNamespace}: the services' state is kept apart from their default keys.`);
  if (store.waitReplicas) opts.log(`Redis has replicas: each batch waits for ${store.waitReplicas} to hold its writes before its Kafka commit (WAIT), on every master that has ${store.waitReplicas === 1 ? 'one' : 'them'}.`);
  else if (opts.redisWaitReplicas === 0) opts.log('Redis WAIT is off (--redis-wait-replicas 0): a batch commits to Kafka as soon as its master has its writes; a master crash before replicating them loses them.');
  return store;
}

function waitForStop(consumers: RunningConsumer[], signal: AbortSignal, untilIdleMs: number | undefined, started: number, armed: () => boolean): Promise<'idle' | 'signal'> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve('signal');
    const onAbort = () => {
      clearInterval(timer);
      resolve('signal');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setInterval(() => {
      if (untilIdleMs === undefined || !armed()) return;
      const lastActivity = Math.max(started, ...consumers.map((c) => c.lastActivity()));
      if (Date.now() - lastActivity >= untilIdleMs) {
        clearInterval(timer);
        signal.removeEventListener('abort', onAbort);
        resolve('idle');
      }
    }, 250);
  });
}
