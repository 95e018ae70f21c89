import os from 'node:os';
import { parseWaitReplicas } from '../src/cli/flag-values.js';
import { redactUrlCredentials } from '../src/config/redact.js';
import { cacheDir } from '../src/config/paths.js';
import { shippedContractsDir } from '../src/config/package-root.js';
import { requireRedis, requireRegistry, resolveConnection } from '../src/config/resolve-connection.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../src/dev/kafka-dist.js';
import { javaCommand } from '../src/dev/tools.js';
import { registerOrderContractsFor, resolveCheckoutCodec } from '../src/generator/checkout-codec.js';
import { produceCheckout } from '../src/generator/produce-checkout.js';
import { newRunId } from '../src/generator/run-manifest.js';
import { countWithBareConsumer } from '../src/kafka/bare-consumer.js';
import { copyTransactionally } from '../src/kafka/bare-transactional-copy.js';
import { startTransactionalConsumer } from '../src/kafka/transactional-consumer.js';
import { processBatch } from '../src/runtime/batch-processor.js';
import { checkoutEventCodec } from '../src/runtime/checkout-event-codec.js';
import { FaultyDownstream } from '../src/runtime/fault-injection.js';
import { RedisEffectStore } from '../src/runtime/redis-effect-store.js';
import { DEFAULT_RETRY } from '../src/runtime/retry-policy.js';
import { zeroCounters } from '../src/runtime/service-counters.js';
import { paymentService } from '../src/runtime/services/payment.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { createTopic } from '../src/topics/topic-admin.js';
import { runStreamsReference, runTransactionalCopier } from './java-references.js';
import { flagValue } from './flag-value.js';
import { BenchLeftovers } from './leftovers.js';

/**
 * As `consume` runs a service's main stage: records per transaction (its --max-batch default)
 * and partitions in flight (run-services.ts). The client's copy and Streams get the same.
 */
const TRANSACTION_SIZE = 2000;
const CONCURRENCY = 4;

/**
 * The runtime's full path (decode, validate, dedup + effects in Redis, outputs and offsets in
 * one Kafka transaction per batch) for the payment service, beside a bare kafkajs
 * transactional copy with the same transaction size and concurrency (the ratio: our work on
 * top of the client's), a bare kafkajs batch consumer, Kafka's ConsumerPerformance,
 * TransactionalMessageCopier and a Kafka Streams exactly_once_v2 pass-through, all reading
 * the same topic in one run.
 */
export async function benchRuntime(args: string[]): Promise<Record<string, unknown>> {
  const records = Number(flagValue(args, '--records') ?? 100_000);
  // As `consume --redis-wait-replicas`: what WAIT after each batch costs is `auto` against `0`.
  const waitReplicas = parseWaitReplicas(flagValue(args, '--redis-wait-replicas') ?? 'auto', '--redis-wait-replicas');
  const conn = await resolveConnection({}, process.env);
  const log = (m: string) => process.stderr.write(m + '\n');
  const loadAtStart = os.loadavg().map(round2);
  const stamp = Date.now().toString(36);
  const leftovers = new BenchLeftovers(conn, log);
  const topic = leftovers.topic(`bench.runtime.${stamp}`);
  try {
    const outputs = ['payments', 'orders', 'copy', 'copier', 'streams'].map((out) => leftovers.topic(`${topic}.${out}`));
    for (const name of [topic, ...outputs]) await createTopic(conn, { name, partitions: 12, replicationFactor: 1, configs: {} });
    const registry = new RegistryClient(requireRegistry(conn));
    await registerOrderContractsFor(registry, shippedContractsDir(), topic);
    log(`runtime benchmark: ${records.toLocaleString('en-US')} OrderCreated records on ${topic}, ${TRANSACTION_SIZE} records per transaction, ${CONCURRENCY} partitions at once`);
    await produceCheckout(conn, await resolveCheckoutCodec(registry, shippedContractsDir(), topic), {
      topic, runId: newRunId(), count: records, profile: null, seed: Date.now() % 2 ** 31, users: 10_000, cancelShare: 0, duplicates: 0, poison: 0,
      keyBy: 'order_id', idempotent: true, compression: 'none', batchSize: 1000, env: process.env, signal: new AbortController().signal,
    });

    // Ours: the payment service's full path, its events redirected to bench topics.
    const redisUrl = requireRedis(conn).url;
    const store = await RedisEffectStore.connect(redisUrl, { waitReplicas, log, warn: (m) => log(`warning: ${m}`) });
    const replicas = Object.fromEntries(store.replicasByMaster());
    log(`store: ${redactUrlCredentials(redisUrl)} (${conn.sources.redis ?? 'default'}), masters and their replicas ${JSON.stringify(replicas)}; WAIT for ${store.waitReplicas} replica(s) per master after each batch${store.waitReplicas ? '' : ' (off)'}`);
    const codec = await checkoutEventCodec(registry, shippedContractsDir());
    const metrics = zeroCounters();
    const handled = { n: 0, startedAt: 0 };
    const failedBatches: string[] = [];
    const oursGroup = leftovers.group(`bench-runtime-${stamp}`);
    const oursCpu = process.cpuUsage();
    const consumer = await startTransactionalConsumer(conn, {
      groupId: oursGroup,
      topics: [topic],
      maxBatch: TRANSACTION_SIZE,
      concurrency: CONCURRENCY,
      onBatch: (batch) => {
        handled.startedAt ||= Date.now(); // like the others: time from the first batch, not the group join
        return processBatch(batch, {
          handler: { ...paymentService, service: 'payment' },
          store, codec, downstream: new FaultyDownstream({ failRate: 0, latencyMs: 0 }), retry: DEFAULT_RETRY,
          group: oursGroup, failureTopic: `${topic}.payments`, dlqTopic: `${topic}.payments`, ttlSec: 3600, metrics,
          routeOutput: (t) => (t === 'checkout.payments' ? `${topic}.payments` : `${topic}.orders`),
        });
      },
      // Counted once committed, like the client's copy and the Java references.
      onCommitted: (c) => void (handled.n += c.records),
      onBatchError: (err) => void (failedBatches.push(`${err.name}: ${err.message}`)),
    });
    while (handled.n < records) await new Promise((r) => setTimeout(r, 100));
    const oursMs = Date.now() - handled.startedAt;
    const oursCpuUs = cpuUsPerRecord(oursCpu, records);
    await consumer.stop();
    await store.close();
    const oursRate = Math.round(records / (oursMs / 1000));
    const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const waits = store.replicaWaitStats();
    // Each of the CONCURRENCY partitions in flight spends this share of the run in WAIT.
    const wait = { ...waits, meanMs: waits.batches ? round2(waits.totalMs / waits.batches) : 0, maxMs: round2(waits.maxMs), shareOfRun: round3(waits.totalMs / (oursMs * CONCURRENCY)) };
    if (failedBatches.length) log(`failed:    ${failedBatches.length} batches failed and were redelivered (first: ${failedBatches[0]})`);
    if (store.waitReplicas) log(`WAIT:      ${wait.batches} batches waited ${wait.meanMs} ms on average (max ${wait.maxMs}): ${Math.round(wait.shareOfRun * 1000) / 10}% of each in-flight partition's time`);
    log(`ours:      ${fmt(oursRate)} records/s (decode, validate, Redis dedup+effects${store.waitReplicas ? ', WAIT' : ''}, transactional outputs+offsets), ${oursCpuUs} us CPU/record, peak RSS ${rssMb} MB; load average ${os.loadavg().map(round2).join(' ')}`);

    const clientCpu = process.cpuUsage();
    const clientRate = Math.round(
      await copyTransactionally(conn, { from: topic, to: `${topic}.copy`, records, groupId: leftovers.group(`bench-copy-${stamp}`), transactionSize: TRANSACTION_SIZE, concurrency: CONCURRENCY }),
    );
    const clientCpuUs = cpuUsPerRecord(clientCpu, records);
    log(`client:    ${fmt(clientRate)} records/s (kafkajs transactional copy: consume, produce, offsets in the transaction), ${clientCpuUs} us CPU/record`);

    const bareRate = Math.round(await countWithBareConsumer(conn, topic, records, leftovers.group(`bench-bare-${stamp}`)));
    log(`bare:      ${fmt(bareRate)} records/s (kafkajs eachBatch, no processing, no transaction)`);

    const cache = cacheDir(process.env);
    const dist = await ensureKafkaDist(DEFAULT_KAFKA_VERSION, cache, log);
    const bootstrap = conn.brokers.join(',');
    const { stdout } = await runKafkaClass(dist, 'org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records), '--group', leftovers.group(`bench-java-${stamp}`), '--timeout', '60000'], process.env, javaCommand(process.env));
    const row = stdout.trim().split('\n').pop()!.split(',').map((c) => c.trim());
    // fetch.nMsg.sec: the rate after the group join, like the figures above.
    const consumerPerfRate = Math.round(Number(row[9]));
    if (!Number.isFinite(consumerPerfRate)) throw new Error(`cannot read ConsumerPerformance's result from: ${stdout}`);
    log(`java read: ${fmt(consumerPerfRate)} records/s (Kafka ConsumerPerformance ${dist.version}, no transaction)`);

    const copierRate = Math.round(
      await runTransactionalCopier(dist, { bootstrap, input: topic, output: `${topic}.copier`, group: leftovers.group(`bench-copier-${stamp}`), records }, TRANSACTION_SIZE, process.env),
    );
    log(`java copy: ${fmt(copierRate)} records/s (Kafka TransactionalMessageCopier, one thread, one transaction at a time)`);

    const streamsRate = Math.round(
      await runStreamsReference(dist, cache, { bootstrap, input: topic, output: `${topic}.streams`, group: leftovers.group(`bench-streams-${stamp}`), records }, CONCURRENCY, process.env, log),
    );
    log(`streams:   ${fmt(streamsRate)} records/s (Kafka Streams ${dist.version} pass-through, exactly_once_v2, ${CONCURRENCY} threads, commits every 100 ms)`);

    const ratio = round3(oursRate / clientRate);
    const loadAverage = os.loadavg().map(round2);
    log(`ratio:     ${ratio}x the kafkajs transactional copy (goal: 0.8x); ${round3(oursRate / streamsRate)}x Kafka Streams; load average ${loadAtStart.join(' ')} at start, ${loadAverage.join(' ')} at end`);
    return {
      name: 'runtime',
      records,
      ours: { recordsPerSec: oursRate, cpuUsPerRecord: oursCpuUs, rssMb, redis: { url: redactUrlCredentials(redisUrl), waitReplicas: store.waitReplicas, replicasByMaster: replicas, wait }, failedBatches: failedBatches.length },
      client: { recordsPerSec: clientRate, cpuUsPerRecord: clientCpuUs, transactionSize: TRANSACTION_SIZE, concurrency: CONCURRENCY },
      bare: { recordsPerSec: bareRate },
      reference: { recordsPerSec: consumerPerfRate },
      copierReference: { recordsPerSec: copierRate, transactionSize: TRANSACTION_SIZE },
      streamsReference: { recordsPerSec: streamsRate },
      ratio,
      goalRatio: 0.8,
      loadAverage,
      loadAverageAtStart: loadAtStart,
    };
  } finally {
    await leftovers.delete();
  }
}

/** This process' CPU (user + system) since `since`, per record: whether a side is CPU-bound. */
function cpuUsPerRecord(since: NodeJS.CpuUsage, records: number): number {
  const { user, system } = process.cpuUsage(since);
  return Math.round((user + system) / records);
}

const fmt = (n: number) => n.toLocaleString('en-US');
const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
