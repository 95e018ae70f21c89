import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { processBatch } from '../../../src/runtime/batch-processor.js';
import { MemoryEffectStore } from '../../../src/runtime/memory-effect-store.js';
import type { BatchRecord } from '../../../src/kafka/transactional-consumer.js';
import { SERVICES } from '../../../src/runtime/types.js';
import { type HostileKit, asRecords, expectEveryRecordHandled, hostileContext, hostileKit, withinMs } from './hostile-records.js';

/*
 * Hostile input for the consumer's decode path: processBatch with the runtime's real codec
 * over random, truncated and bit-flipped values, random keys and random headers (including
 * malformed DLQ context headers). The runtime must never throw, never hang, and give every
 * record an outcome, so the partition always moves on; what it dead-letters carries its error
 * class and message. test/integration/chaos-hostile-batches.test.ts runs the same on Redis.
 */

let kit: HostileKit;
beforeAll(async () => {
  kit = await hostileKit();
});

describe('consumer decode path under hostile input (fast-check)', () => {
  it('never throws or hangs, gives every record an outcome, and dead-letters with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(kit.hostileBatch, fc.constantFrom(...SERVICES), fc.integer({ min: 0, max: 4 }), async (batch, service, failEvery) => {
        const records = asRecords(batch);
        const ctx = hostileContext(service, new MemoryEffectStore(), kit.codec, failEvery);
        expectEveryRecordHandled(records, ctx, (await withinMs(5_000, processBatch(records, ctx))).outputs);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('dead-letters every record that cannot be decoded, whatever its key and headers', async () => {
    const garbage = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((b) => b[0] !== 0).map((b) => Buffer.from(b)),
      fc.tuple(kit.wellFormed, fc.integer({ min: 0, max: 4 })).map(([b, n]) => b.subarray(0, n)),
      fc.constant(null),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ value: garbage, headers: kit.hostileHeaders }), { minLength: 1, maxLength: 20 }), async (batch) => {
        // Distinct keys: nothing is parked behind another record's failure.
        const records: BatchRecord[] = asRecords(batch.map((r, i) => ({ ...r, key: Buffer.from(`k${i}`), topic: 'checkout.orders' })), 1);
        const ctx = hostileContext('payment', new MemoryEffectStore(), kit.codec, 0);
        const { outputs } = await withinMs(5_000, processBatch(records, ctx));
        expect(ctx.metrics.deadLettered).toBe(records.length);
        expect(outputs.map((o) => o.topic)).toEqual(records.map(() => ctx.dlqTopic));
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
