import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processBatch } from '../../src/runtime/batch-processor.js';
import { RedisEffectStore } from '../../src/runtime/redis-effect-store.js';
import { SERVICES } from '../../src/runtime/types.js';
import { type HostileKit, asRecords, expectEveryRecordHandled, hostileContext, hostileKit, withinMs } from '../unit/fuzz/hostile-records.js';
import { testStack } from './helpers.js';

/**
 * The hostile batches of test/unit/fuzz/consumer-decode.test.ts against the real Redis store
 * (its Lua script and pipelines), which the memory store cannot stand in for: a batch of
 * nothing but poison once made Redis refuse an empty MGET, so the batch failed forever and its
 * partition stopped (found by the chaos run: one poison record never reached one DLQ).
 */
describe('hostile batches on the Redis dedup store (fast-check)', () => {
  let kit: HostileKit;
  let store: RedisEffectStore;

  beforeAll(async () => {
    kit = await hostileKit();
    store = await RedisEffectStore.connect(testStack().redisUrl);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('never throws, gives every record an outcome, and dead-letters with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(kit.hostileBatch, fc.constantFrom(...SERVICES), fc.integer({ min: 0, max: 4 }), async (batch, service, failEvery) => {
        const records = asRecords(batch);
        const ctx = hostileContext(service, store, kit.codec, failEvery);
        expectEveryRecordHandled(records, ctx, (await withinMs(10_000, processBatch(records, ctx))).outputs);
      }),
      { numRuns: 60 },
    );
  });

  it('dead-letters a batch that holds nothing but poison', async () => {
    const records = asRecords([{ key: Buffer.from(`poison-${Date.now()}`), value: Buffer.from([0, 0, 0, 0, 1, 2]), headers: {}, topic: 'checkout.orders' }]);
    const ctx = hostileContext('inventory', store, kit.codec, 0);
    const [dead] = (await processBatch(records, ctx)).outputs;
    expect(dead?.topic).toBe(ctx.dlqTopic);
  });

  // Found by the property above: an empty event_id header once named the failure '', a key
  // "blocked by ''" that the store saw and the batch did not, so the next event kept bouncing.
  it('settles an event behind a poison record of the same key whose event_id header is empty', async () => {
    const key = Buffer.from(`empty-id-${Date.now()}`);
    const [good] = fc.sample(kit.wellFormed, 1);
    const records = asRecords([
      { key, value: Buffer.from([0, 0, 0, 0, 1, 2]), headers: { event_id: Buffer.alloc(0) }, topic: 'checkout.orders' },
      { key, value: good!, headers: {}, topic: 'checkout.orders' },
    ]);
    const ctx = hostileContext('payment', store, kit.codec, 0);
    const { outputs } = await withinMs(10_000, processBatch(records, ctx));
    expectEveryRecordHandled(records, ctx, outputs);
    expect(outputs.map((o) => o.headers['kafka_dlt-exception-fqcn']?.toString()).filter(Boolean)).not.toContain('UnsettledError');
    expect(ctx.metrics.parked).toBe(1);
  });
});
