import { cacheDir } from '../src/config/paths.js';
import { shippedContractsDir } from '../src/config/package-root.js';
import { requireRedis, requireRegistry, resolveConnection } from '../src/config/resolve-connection.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaDist, runKafkaClass } from '../src/dev/kafka-dist.js';
import { javaCommand } from '../src/dev/tools.js';
import { registerOrderContractsFor, resolveCheckoutCodec } from '../src/generator/checkout-codec.js';
import { produceCheckout } from '../src/generator/produce-checkout.js';
import { newRunId } from '../src/generator/run-manifest.js';
import { countWithBareConsumer } from '../src/kafka/bare-consumer.js';
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

/**
 * The runtime's full path (decode, validate, dedup + effects in Redis, outputs and offsets in
 * one Kafka transaction per batch) for the payment service, beside a bare kafkajs batch
 * consumer and Kafka's Java ConsumerPerformance, all reading the same topic in one run.
 */
export async function benchRuntime(args: string[]): Promise<Record<string, unknown>> {
  const records = Number(flagValue(args, '--records') ?? 100_000);
  const conn = await resolveConnection({}, process.env);
  const log = (m: string) => process.stderr.write(m + '\n');
  const stamp = Date.now().toString(36);
  const topic = `bench.runtime.${stamp}`;
  await createTopic(conn, { name: topic, partitions: 12, replicationFactor: 1, configs: {} });
  for (const out of ['payments', 'orders']) await createTopic(conn, { name: `${topic}.${out}`, partitions: 12, replicationFactor: 1, configs: {} });
  const registry = new RegistryClient(requireRegistry(conn));
  await registerOrderContractsFor(registry, shippedContractsDir(), topic);
  log(`runtime benchmark: ${records.toLocaleString('en-US')} OrderCreated records on ${topic}`);
  await produceCheckout(conn, await resolveCheckoutCodec(registry, shippedContractsDir(), topic), {
    topic, runId: newRunId(), count: records, profile: null, seed: Date.now() % 2 ** 31, users: 10_000, cancelShare: 0, duplicates: 0, poison: 0,
    keyBy: 'order_id', idempotent: true, compression: 'none', batchSize: 1000, env: process.env, signal: new AbortController().signal,
  });

  // Ours: the payment service's full path, its events redirected to bench topics.
  const store = await RedisEffectStore.connect(requireRedis(conn).url);
  const codec = await checkoutEventCodec(registry, shippedContractsDir());
  const metrics = zeroCounters();
  const handled = { n: 0, startedAt: 0 };
  const consumer = await startTransactionalConsumer(conn, {
    groupId: `bench-runtime-${stamp}`,
    topics: [topic],
    maxBatch: 2000,
    onBatch: async (batch) => {
      handled.startedAt ||= Date.now(); // like the others: time from the first batch, not the group join
      const out = await processBatch(batch, {
        handler: { ...paymentService, service: 'payment' },
        store, codec, downstream: new FaultyDownstream({ failRate: 0, latencyMs: 0 }), retry: DEFAULT_RETRY,
        group: `bench-runtime-${stamp}`, failureTopic: `${topic}.payments`, dlqTopic: `${topic}.payments`, ttlSec: 3600, metrics,
        routeOutput: (t) => (t === 'checkout.payments' ? `${topic}.payments` : `${topic}.orders`),
      });
      handled.n += batch.length;
      return out;
    },
  });
  while (handled.n < records) await new Promise((r) => setTimeout(r, 100));
  const oursMs = Date.now() - handled.startedAt;
  await consumer.stop();
  await store.close();
  const oursRate = Math.round(records / (oursMs / 1000));
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  log(`ours:      ${oursRate.toLocaleString('en-US')} records/s (decode, validate, Redis dedup+effects, transactional outputs+offsets), peak RSS ${rssMb} MB`);

  const bareRate = Math.round(await countWithBareConsumer(conn, topic, records, `bench-bare-${stamp}`));
  log(`bare:      ${bareRate.toLocaleString('en-US')} records/s (kafkajs eachBatch, no processing)`);

  const dist = await ensureKafkaDist(DEFAULT_KAFKA_VERSION, cacheDir(process.env), log);
  const { stdout } = await runKafkaClass(dist, 'org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', conn.brokers.join(','), '--topic', topic, '--messages', String(records), '--group', `bench-java-${stamp}`, '--timeout', '60000'], process.env, javaCommand(process.env));
  const row = stdout.trim().split('\n').pop()!.split(',').map((c) => c.trim());
  // fetch.nMsg.sec: the rate after the group join, like the figures above.
  const refRate = Math.round(Number(row[9]));
  if (!Number.isFinite(refRate)) throw new Error(`cannot read ConsumerPerformance's result from: ${stdout}`);
  log(`reference: ${refRate.toLocaleString('en-US')} records/s (Kafka ConsumerPerformance ${dist.version})`);
  const ratio = Math.round((oursRate / refRate) * 1000) / 1000;
  log(`ratio:     ${(ratio * 100).toFixed(1)}% of the Java reference (goal: 50%); bare kafkajs is ${((bareRate / refRate) * 100).toFixed(1)}%`);
  return { name: 'runtime', ours: { recordsPerSec: oursRate, rssMb }, bare: { recordsPerSec: bareRate }, reference: { recordsPerSec: refRate }, ratio, records };
}

function flagValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
