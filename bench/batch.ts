import os from 'node:os';
import { shippedContractsDir } from '../src/config/package-root.js';
import { requireRedis, requireRegistry, resolveConnection } from '../src/config/resolve-connection.js';
import { resolveCheckoutCodec } from '../src/generator/checkout-codec.js';
import { CheckoutModel } from '../src/generator/checkout-model.js';
import type { BatchRecord } from '../src/kafka/transactional-consumer.js';
import { processBatch } from '../src/runtime/batch-processor.js';
import { checkoutEventCodec } from '../src/runtime/checkout-event-codec.js';
import type { EffectStore } from '../src/runtime/effect-store.js';
import { FaultyDownstream } from '../src/runtime/fault-injection.js';
import { MemoryEffectStore } from '../src/runtime/memory-effect-store.js';
import { type RedisClient, connectRedis } from '../src/runtime/redis-client.js';
import { RedisEffectStore } from '../src/runtime/redis-effect-store.js';
import { DEFAULT_RETRY } from '../src/runtime/retry-policy.js';
import { zeroCounters } from '../src/runtime/service-counters.js';
import { serviceHandlers } from '../src/runtime/services/index.js';
import { StateCache } from '../src/runtime/state-cache.js';
import { RegistryClient } from '../src/schema/registry-client.js';
import { flagValue } from './flag-value.js';

const CHUNK = 2000;

/**
 * `npm run bench -- batch [--records N] [--store memory,redis]`: the CPU our code spends per record between the Kafka
 * client's fetch and its produce (decode, validate, the handler, dedup and effects, encoding
 * the outputs) for payment and inventory on OrderCreated records, with the memory store and
 * with Redis, in chunks of a transaction's size. No Kafka: the figure to profile against,
 * steadier than a throughput on a shared machine. Redis' own CPU is read from INFO.
 */
export async function benchBatch(args: string[]): Promise<Record<string, unknown>> {
  const n = Number(flagValue(args, '--records') ?? 20_000);
  const stores = (flagValue(args, '--store') ?? 'memory,redis').split(',') as Array<'memory' | 'redis'>;
  const conn = await resolveConnection({}, process.env);
  const log = (m: string) => process.stderr.write(m + '\n');
  const registry = new RegistryClient(requireRegistry(conn));
  const writer = await resolveCheckoutCodec(registry, shippedContractsDir(), 'checkout.orders');
  const codec = await checkoutEventCodec(registry, shippedContractsDir());
  const model = new CheckoutModel({ seed: 7, users: 10_000, cancelShare: 0, producer: 'bench' });
  const runId = `bench-batch-${Date.now().toString(36)}`;
  const records: BatchRecord[] = Array.from({ length: n }, (_, i) => {
    const { created } = model.nextOrder(Date.now());
    return {
      topic: 'checkout.orders', partition: i % 12, offset: String(i), timestamp: String(Date.now()), key: Buffer.from(created.order_id),
      value: writer.encode('OrderCreated', created), headers: { event_type: Buffer.from('OrderCreated'), event_id: Buffer.from(created.envelope.event_id), run_id: Buffer.from(runId) },
    };
  });
  const loadAtStart = loadAverage();
  // Redis' own CPU is read beside ours; a memory-only run needs no Redis.
  const probe = stores.includes('redis') ? await connectRedis(requireRedis(conn).url) : undefined;
  const results: Record<string, { usPerRecord: number; redisUsPerRecord?: number }> = {};
  for (const kind of stores) {
    for (const service of ['payment', 'inventory'] as const) {
      const store: EffectStore = kind === 'memory' ? new MemoryEffectStore() : await RedisEffectStore.connect(requireRedis(conn).url, { namespace: runId, waitReplicas: 0 });
      const redisCpu = probe && kind === 'redis' ? () => redisCpuUs(probe) : async () => 0;
      const ctx = {
        handler: serviceHandlers[service], store, codec, downstream: new FaultyDownstream({ failRate: 0, latencyMs: 0 }), retry: DEFAULT_RETRY,
        group: `${service}-service`, failureTopic: 'bench.none', dlqTopic: 'bench.none', ttlSec: 3600, metrics: zeroCounters(), states: new StateCache(100_000),
      };
      // One warm-up chunk (JIT, schema lookups), then the timed rest.
      await (await processBatch(records.slice(0, CHUNK), ctx)).afterCommit();
      const redisBefore = await redisCpu();
      const before = process.cpuUsage();
      for (let i = CHUNK; i < n; i += CHUNK) await (await processBatch(records.slice(i, i + CHUNK), ctx)).afterCommit();
      const cpu = process.cpuUsage(before);
      const timed = n - CHUNK;
      const r = { usPerRecord: round1((cpu.user + cpu.system) / timed), ...(kind === 'redis' ? { redisUsPerRecord: round1(((await redisCpu()) - redisBefore) / timed) } : {}) };
      results[`${service}/${kind}`] = r;
      log(`${service.padEnd(10)} ${kind.padEnd(7)} ${String(r.usPerRecord).padStart(6)} us/record of our CPU${r.redisUsPerRecord !== undefined ? `, Redis ${r.redisUsPerRecord} us/record` : ''}`);
      await store.close();
    }
  }
  probe?.disconnect();
  const loadAtEnd = loadAverage();
  log(`${n.toLocaleString('en-US')} OrderCreated records in chunks of ${CHUNK}; load average ${loadAtStart.join(' ')} at start, ${loadAtEnd.join(' ')} at end`);
  return { name: 'batch', records: n, chunk: CHUNK, results, loadAverage: { start: loadAtStart, end: loadAtEnd } };
}

/** Redis' CPU so far (a cluster's first node only: run it on a single Redis). */
async function redisCpuUs(redis: RedisClient): Promise<number> {
  const info = await redis.info('cpu');
  const v = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (v('used_cpu_user') + v('used_cpu_sys')) * 1e6;
}

function loadAverage(): number[] {
  return os.loadavg().map((x) => Math.round(x * 100) / 100);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
