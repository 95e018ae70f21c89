import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BatchContext, type EventCodec, processBatch } from '../../../src/runtime/batch-processor.js';
import { MemoryEffectStore } from '../../../src/runtime/memory-effect-store.js';
import { zeroCounters } from '../../../src/runtime/service-counters.js';
import { ServiceMetrics, prometheusText } from '../../../src/runtime/service-metrics.js';
import type { BatchRecord } from '../../../src/kafka/transactional-consumer.js';
import { TransientError, type ServiceHandler } from '../../../src/runtime/types.js';
import { SPRING, STREAMFLOW } from '../../../src/dlq/dlq-headers.js';
import { InterruptedError } from '../../../src/errors.js';

// A JSON codec stands in for Avro here: this tests the processor's logic, not the wire format.
const codec: EventCodec = {
  async decode(buf) {
    const v = JSON.parse(buf.toString());
    return { eventType: v.envelope.event_type, value: v };
  },
  encode: (_t, _e, value) => Buffer.from(JSON.stringify(value)),
};

const failing = new Set<string>();
const seen: string[] = [];
const handler: ServiceHandler = {
  service: 'payment',
  topics: ['orders'],
  async handle(event, orders, _d, emit) {
    if (failing.has(event.eventId)) throw new TransientError('gateway 503');
    seen.push(event.eventId);
    orders.set(String(event.value.order_id), { last: event.eventId });
    emit('out', 'Done', event, { order_id: event.key });
    return [['HINCRBY', 'count', event.key, 1]];
  },
};

let offset = 0;
// Each key is one order, as in the checkout topics (keyed by order id).
const orderIdFor = (key: string) => `00000000-0000-4000-8000-${Buffer.from(key).toString('hex').padStart(12, '0').slice(-12)}`;
function record(eventId: string, key: string, topic = 'orders', headers: Record<string, Buffer> = { run_id: Buffer.from('r1') }): BatchRecord {
  const value = { envelope: { event_id: eventId, event_type: 'OrderCreated', correlation_id: key, occurred_at: 0 }, order_id: orderIdFor(key) };
  return { topic, partition: 0, offset: String(offset++), timestamp: '0', key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)), headers };
}

function context(store: MemoryEffectStore, failureTopic = 'retry'): BatchContext {
  return {
    handler,
    store,
    codec,
    downstream: { call: async () => undefined },
    retry: { attempts: 2, baseMs: 1, maxMs: 2 },
    group: 'payment-service',
    failureTopic,
    dlqTopic: 'dlq',
    ttlSec: 60,
    metrics: zeroCounters(),
  };
}

describe('processBatch', () => {
  it('applies each event once: a redelivered batch re-emits the stored outbox and applies nothing', async () => {
    const store = new MemoryEffectStore();
    const batch = [record('e1', 'k1'), record('e2', 'k2'), record('e1', 'k1')];
    const { outputs: first } = await processBatch(batch, context(store));
    const { outputs: again } = await processBatch(batch, context(store));
    expect((await store.effectCounts('payment', 'r1')).get('e1')).toBe(1);
    expect(first.map((o) => o.topic)).toEqual(['out', 'out', 'out']);
    expect(again.map((o) => o.value.toString())).toEqual(first.map((o) => o.value.toString()));
  });

  it('parks later events of a key behind a failed one and releases them in order once it succeeds', async () => {
    const store = new MemoryEffectStore();
    seen.length = 0;
    failing.add('a1');
    const ctx = context(store);
    const { outputs: out } = await processBatch([record('a1', 'K'), record('a2', 'K'), record('b1', 'other'), record('a3', 'K')], ctx);
    const forwarded = out.filter((o) => o.topic === 'retry');
    expect(forwarded).toHaveLength(1);
    expect(forwarded[0]!.headers[SPRING.exceptionClass]!.toString()).toBe('TransientDownstreamError');
    expect(ctx.metrics).toMatchObject({ parked: 2, forwarded: 1, retried: 1 });
    expect(seen).toEqual(['b1']);

    // The retry stage gets a1 back; it succeeds now, and a2, a3 follow it in order.
    failing.delete('a1');
    const retryCtx = context(store, 'retry2');
    await processBatch([{ ...record('a1', 'K', 'retry'), headers: forwarded[0]!.headers }], retryCtx);
    expect(seen).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(retryCtx.metrics.released).toBe(2);
    // The key is free again: a new event goes straight through.
    await processBatch([record('a4', 'K')], context(store));
    expect(seen.at(-1)).toBe('a4');
  });

  it('dead-letters undecodable records at once with their reason, keeping key and value', async () => {
    const store = new MemoryEffectStore();
    const bad: BatchRecord = { topic: 'orders', partition: 3, offset: '42', timestamp: '1700000000000', key: Buffer.from('k'), value: Buffer.from('not json'), headers: { event_id: Buffer.from('x') } };
    const ctx = context(store);
    const [dead] = (await processBatch([bad], ctx)).outputs;
    expect(dead!.topic).toBe('dlq');
    expect(dead!.value.toString()).toBe('not json');
    expect(dead!.headers[SPRING.topic]!.toString()).toBe('orders');
    expect(dead!.headers[SPRING.partition]!.readInt32BE(0)).toBe(3);
    expect(dead!.headers[SPRING.offset]!.readBigInt64BE(0)).toBe(42n);
    expect(dead!.headers.event_id!.toString()).toBe('x');
    // The saga start rides along, so a retry stage's or a redriven copy still knows it.
    expect(dead!.headers[STREAMFLOW.sagaStarted]!.toString()).toBe('1700000000000');
    expect(ctx.metrics.deadLettered).toBe(1);
  });
});

describe('processBatch with two consumers of one service on the same order', () => {
  it('re-runs the event whose order state changed meanwhile (optimistic concurrency), so the last writer cannot undo the first', async () => {
    const store = new MemoryEffectStore();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((r) => (releaseFirst = r));
    const statesSeen: string[] = [];
    const shipping: ServiceHandler = {
      service: 'shipping',
      topics: ['orders', 'payments'],
      async handle(event, orders) {
        const order = orderIdFor('K');
        const state = orders.get(order);
        statesSeen.push(`${event.eventId}:${String(state?.status ?? 'none')}`);
        if (event.eventId === 'pay') {
          await firstMayCommit; // the payments consumer is slow: the orders consumer commits first
          if (state?.status !== 'CANCELLED') orders.set(order, { status: 'SCHEDULED' });
        } else orders.set(order, { status: 'CANCELLED' });
        return [];
      },
    };
    const ctx = (): BatchContext => ({ ...context(store), handler: shipping });
    const slow = processBatch([record('pay', 'K', 'payments')], ctx());
    await processBatch([record('cancel', 'K', 'orders')], ctx());
    releaseFirst();
    await slow;
    expect((await store.orderStates('shipping', [{ orderId: orderIdFor('K'), key: 'K' }])).get(orderIdFor('K'))).toEqual({ status: 'CANCELLED' });
    expect(statesSeen).toEqual(['pay:none', 'cancel:none', 'pay:CANCELLED']);
  });
  it('dead-letters an event that never gets a consistent commit instead of failing the batch forever', async () => {
    // A store whose state always changed meanwhile (another consumer, or worse): the batch must
    // still finish, or Kafka would redeliver it unchanged and its partition would stop.
    const store = new MemoryEffectStore();
    const commit = store.commit.bind(store);
    store.commit = async (service, items, ttl) => Promise.all(items.map(async (i) => (i.mode === 'apply' ? { status: 'conflict' as const } : (await commit(service, [i], ttl))[0]!)));
    const ctx = context(store);
    const { outputs: out } = await processBatch([record('c1', 'C'), record('c2', 'D')], ctx);
    expect(out.map((o) => o.topic)).toEqual(['dlq', 'dlq']);
    expect(out[0]!.headers[SPRING.exceptionClass]!.toString()).toBe('UnsettledError');
    expect(out[0]!.headers[SPRING.exceptionMessage]!.toString()).toMatch(/no consistent commit after 50 tries \(the store answered "conflict"\)/);
    expect(ctx.metrics.deadLettered).toBe(2);
  });
  it('fails the batch, dead-letters nothing, when a shutdown cuts a schema fetch short', async () => {
    // Found by the SIGTERM test: the aborted registry call looked like the record's own fault.
    const ctx = { ...context(new MemoryEffectStore()), codec: { ...codec, decode: async () => Promise.reject(new InterruptedError()) } };
    await expect(processBatch([record('i1', 'I')], ctx)).rejects.toThrow(InterruptedError);
    expect(ctx.metrics.deadLettered).toBe(0);
  });
});

describe('processBatch and the saga start', () => {
  const WRITTEN = 1_700_000_000_000;
  const withSagaStart = (r: BatchRecord, started?: string): BatchRecord => ({
    ...r,
    timestamp: String(WRITTEN),
    headers: { ...r.headers, ...(started !== undefined ? { [STREAMFLOW.sagaStarted]: Buffer.from(started) } : {}) },
  });
  const derivedSagaStart = async (r: BatchRecord) => {
    const [out] = (await processBatch([r], context(new MemoryEffectStore()))).outputs;
    expect(out!.topic).toBe('out');
    return out!.headers[STREAMFLOW.sagaStarted]?.toString();
  };
  afterEach(() => vi.restoreAllMocks());

  it("gives a derived event its cause's saga start, or the cause's timestamp when it has none", async () => {
    expect(await derivedSagaStart(withSagaStart(record('s1', 'S'), '1699999990000'))).toBe('1699999990000');
    // An OrderCreated from the generator: its saga starts when it was written.
    expect(await derivedSagaStart(withSagaStart(record('s2', 'S')))).toBe(String(WRITTEN));
  });

  it('falls back to the timestamp on a malformed saga start, without failing the record', async () => {
    for (const bad of ['', 'soon', '-5', '17e11', ' 1700000000000', '1'.repeat(16)]) {
      expect(await derivedSagaStart(withSagaStart(record(`m${bad}`, 'M'), bad))).toBe(String(WRITTEN));
    }
  });

  it("measures each applied event's saga age, and not a duplicate's or a dead letter's", async () => {
    vi.spyOn(Date, 'now').mockReturnValue(WRITTEN + 4_000);
    const metrics = new ServiceMetrics('payment');
    const store = new MemoryEffectStore();
    const ctx: BatchContext = { ...context(store), onSagaAge: (ms) => metrics.recordSagaAge(ms) };
    const undecodable: BatchRecord = { ...withSagaStart(record('x', 'X'), '1'), value: Buffer.from('not json') };
    const oldCopy = withSagaStart(record('a1', 'A'), '1000');
    await processBatch([withSagaStart(record('a1', 'A')), oldCopy, undecodable], ctx);
    await processBatch([oldCopy], ctx);
    expect(ctx.metrics).toMatchObject({ processed: 1, duplicates: 2, deadLettered: 1 });
    expect(metrics.snapshot().sagaAgeMaxMs).toBe(4_000);
    const lines = prometheusText([metrics]).split('\n');
    expect(lines).toContain('# TYPE streamflow_saga_age_seconds histogram');
    expect(lines).toContain('streamflow_saga_age_seconds_bucket{service="payment",le="2.5"} 0');
    expect(lines).toContain('streamflow_saga_age_seconds_bucket{service="payment",le="5"} 1');
    expect(lines).toContain('streamflow_saga_age_seconds_bucket{service="payment",le="+Inf"} 1');
    expect(lines).toContain('streamflow_saga_age_seconds_sum{service="payment"} 4');
    expect(lines).toContain('streamflow_saga_age_seconds_count{service="payment"} 1');
    expect(lines).toContain('streamflow_saga_age_max_seconds{service="payment"} 4');
  });
});
