import crypto from 'node:crypto';
import type avro from 'avsc';
import fc from 'fast-check';
import { expect } from 'vitest';
import { ExitCode } from '../../../src/errors.js';
import { SPRING, STREAMFLOW } from '../../../src/dlq/dlq-headers.js';
import type { BatchContext, EventCodec } from '../../../src/runtime/batch-processor.js';
import { checkoutEventCodec } from '../../../src/runtime/checkout-event-codec.js';
import { withAvroType } from '../../../src/schema/schema-file.js';
import type { EffectStore } from '../../../src/runtime/effect-store.js';
import type { BatchRecord, ProducedRecord } from '../../../src/kafka/transactional-consumer.js';
import { zeroCounters } from '../../../src/runtime/service-counters.js';
import { serviceHandlers } from '../../../src/runtime/services/index.js';
import { type ServiceName, TransientError } from '../../../src/runtime/types.js';
import { loadContracts } from '../../../src/schema/contracts.js';
import type { RegistryClient } from '../../../src/schema/registry-client.js';
import { RegistryNotFoundError } from '../../../src/schema/registry-errors.js';
import { encodeWithSchemaId } from '../../../src/schema/wire-format.js';

/*
 * Hostile records for the consumer's decode path, shared by the unit fuzz test (memory store)
 * and its integration twin (Redis store): random, truncated and bit-flipped values under the
 * shipped contracts' real Confluent framing and avsc types, random keys, and random headers
 * (the DLQ context names included, with values of any length).
 */

export const DECODE_ERRORS = ['BadMagicByteError', 'UnknownSchemaIdError', 'AvroDecodeError', 'ValidationError', 'EmptyValueError'];
const CONTEXT_HEADERS = [...Object.values(SPRING), ...Object.values(STREAMFLOW)];

export interface HostileKit {
  /** The runtime's own codec, over a registry that serves the contracts of schemas/checkout with ids 1..n. */
  codec: EventCodec;
  wellFormed: fc.Arbitrary<Buffer>;
  hostileKey: fc.Arbitrary<Buffer | null>;
  hostileHeaders: fc.Arbitrary<Record<string, Buffer>>;
  hostileBatch: fc.Arbitrary<Array<{ key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer>; topic: string }>>;
}

export async function hostileKit(): Promise<HostileKit> {
  const contracts = await loadContracts('schemas/checkout');
  const typesByName = new Map<string, { id: number; type: avro.Type }>();
  contracts.forEach((c, i) => typesByName.set(c.recordName.split('.').pop()!, { id: i + 1, type: withAvroType(c.schema).type }));
  const byId = new Map(contracts.map((c, i) => [i + 1, c.schema.text]));
  const registry = {
    async getVersion(subject: string) {
      const i = contracts.findIndex((c) => c.subject === subject);
      return { subject, version: 1, id: i + 1, schema: contracts[i]!.schema.text };
    },
    async getSchemaById(id: number) {
      const schema = byId.get(id);
      if (!schema) throw new RegistryNotFoundError(`schema id ${id} not found`, ExitCode.usage, 404, 40403);
      return { id, schema };
    },
  } as unknown as RegistryClient;
  const codec = await checkoutEventCodec(registry, 'schemas/checkout');

  // A few ids, keys and orders only, so records collide: duplicates, shared keys, parking.
  const uuidPool = fc.constantFrom(...Array.from({ length: 6 }, () => crypto.randomUUID()));

  /** A checkout event that passes validation, encoded with its registered schema. */
  const wellFormed = fc
    .record({
      type: fc.constantFrom('OrderCreated', 'OrderCancelled', 'PaymentAuthorized', 'ShipmentScheduled'),
      eventId: uuidPool,
      orderId: uuidPool,
      quantity: fc.integer({ min: 1, max: 5 }),
      price: fc.integer({ min: 0, max: 10_000 }),
    })
    .map(({ type, eventId, orderId, quantity, price }) => {
      const { id, type: avroType } = typesByName.get(type)!;
      const value = avroType.random() as Record<string, unknown>;
      value.envelope = { ...(value.envelope as object), event_id: eventId, event_type: type, correlation_id: orderId };
      value.order_id = orderId;
      if ('currency' in value) value.currency = 'EUR';
      for (const f of ['amount_minor', 'total_minor']) if (f in value) value[f] = quantity * price;
      if ('items' in value) value.items = [{ sku: 'SKU-1', quantity, unit_price_minor: price }];
      return encodeWithSchemaId(avroType, id, value);
    });

  /** Valid Avro under a real schema id, random content (fails validation or decodes oddly). */
  const randomAvro = fc.integer({ min: 0, max: 1_000 }).map((i) => {
    const all = [...typesByName.values()];
    const { id, type } = all[i % all.length]!;
    return encodeWithSchemaId(type, id, type.random());
  });

  const hostileValue: fc.Arbitrary<Buffer | null> = fc.oneof(
    wellFormed,
    randomAvro,
    fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
    fc.tuple(fc.integer({ min: -5, max: 20 }), fc.uint8Array({ maxLength: 48 })).map(([id, body]) => {
      const header = Buffer.alloc(5);
      header.writeInt32BE(id, 1);
      return Buffer.concat([header, body]);
    }),
    fc.tuple(wellFormed, fc.nat()).map(([b, cut]) => b.subarray(0, cut % b.length)),
    fc.tuple(wellFormed, fc.nat(), fc.integer({ min: 0, max: 7 })).map(([b, at, bit]) => {
      const flipped = Buffer.from(b);
      flipped[at % flipped.length] = flipped[at % flipped.length]! ^ (1 << bit);
      return flipped;
    }),
    fc.constant(null),
  );
  const hostileKey = fc.oneof(uuidPool.map((k) => Buffer.from(k)), fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)), fc.constant(null));
  const hostileHeaders = fc.dictionary(
    fc.oneof(fc.constantFrom(...CONTEXT_HEADERS, 'run_id', 'traceparent', 'event_id'), fc.string({ maxLength: 12 })),
    fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)),
    { maxKeys: 5 },
  );
  const hostileBatch = fc.array(fc.record({ key: hostileKey, value: hostileValue, headers: hostileHeaders, topic: fc.constantFrom('checkout.orders', 'checkout.payment.retry.5s') }), {
    minLength: 1,
    maxLength: 25,
  });
  return { codec, wellFormed, hostileKey, hostileHeaders, hostileBatch };
}

/** A batch context for `service` whose downstream fails every `failEvery`-th call (0: never). */
export function hostileContext(service: ServiceName, store: EffectStore, codec: EventCodec, failEvery: number): BatchContext {
  let calls = 0;
  return {
    handler: serviceHandlers[service],
    store,
    codec,
    downstream: {
      call: async (what) => {
        if (failEvery > 0 && ++calls % failEvery === 0) throw new TransientError(`${what} answered 503`);
      },
    },
    retry: { attempts: 2, baseMs: 0, maxMs: 0 },
    group: `${service}-service`,
    failureTopic: `checkout.${service}.retry.5s`,
    dlqTopic: `checkout.${service}.dlq`,
    ttlSec: 60,
    metrics: zeroCounters(),
  };
}

export function asRecords(batch: Array<Omit<BatchRecord, 'partition' | 'offset' | 'timestamp'>>, partition = 0): BatchRecord[] {
  return batch.map((r, i) => ({ ...r, partition, offset: String(i), timestamp: String(1_700_000_000_000 + i) }));
}

export function withinMs<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`processBatch did not finish within ${ms} ms`)), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Every record got an outcome (applied, duplicate, parked, forwarded or dead-lettered; a parked
 * record released later in the batch gets its second outcome then), and every dead letter and
 * retry forward names its error class and message.
 */
export function expectEveryRecordHandled(records: BatchRecord[], ctx: BatchContext, outputs: ProducedRecord[]): void {
  const m = ctx.metrics;
  expect(m.processed + m.duplicates + m.parked + m.forwarded + m.deadLettered).toBe(records.length + m.released);
  const dead = outputs.filter((o) => o.topic === ctx.dlqTopic);
  expect(dead).toHaveLength(m.deadLettered);
  for (const d of dead) {
    expect(DECODE_ERRORS).toContain(d.headers[SPRING.exceptionClass]?.toString());
    expect(d.headers[SPRING.exceptionMessage]?.length).toBeGreaterThan(0);
  }
  for (const f of outputs.filter((o) => o.topic === ctx.failureTopic)) expect(f.headers[SPRING.exceptionClass]?.toString()).toBeTruthy();
}
