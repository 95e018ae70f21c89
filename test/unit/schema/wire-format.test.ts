import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode, UnreachableError } from '../../../src/errors.js';
import { loadContracts } from '../../../src/schema/contracts.js';
import { SchemaCache } from '../../../src/schema/registered-schema.js';
import type { RegistryClient } from '../../../src/schema/registry-client.js';
import { RegistryNotFoundError } from '../../../src/schema/registry-errors.js';
import { avroTypeOf, withAvroType } from '../../../src/schema/schema-file.js';
import {
  AvroDecodeError,
  BadMagicByteError,
  FrameWriter,
  InvalidRecordError,
  UnknownSchemaIdError,
  decodeFramed,
  encodeWithSchemaId,
} from '../../../src/schema/wire-format.js';

// A fixed schema in the contracts' style (nested records, array, optional union, logical
// types), so these tests do not change when the checkout contracts evolve.
const orderSchema = {
  type: 'record',
  name: 'OrderCreated',
  namespace: 'com.streamflow.test',
  fields: [
    {
      name: 'envelope',
      type: {
        type: 'record',
        name: 'EventEnvelope',
        fields: [
          { name: 'event_id', type: { type: 'string', logicalType: 'uuid' } },
          { name: 'event_type', type: 'string' },
          { name: 'occurred_at', type: { type: 'long', logicalType: 'timestamp-millis' } },
          { name: 'causation_id', type: ['null', 'string'], default: null },
        ],
      },
    },
    { name: 'items', type: { type: 'array', items: { type: 'record', name: 'LineItem', fields: [{ name: 'sku', type: 'string' }, { name: 'quantity', type: 'int' }] } } },
    { name: 'currency', type: 'string' },
  ],
};
const orderCreatedText = JSON.stringify(orderSchema);
const orderCreated = avroTypeOf(orderSchema);

const order = {
  envelope: { event_id: '5f1c2a6e-7b8d-4c3e-9f10-112233445566', event_type: 'OrderCreated', occurred_at: 1_767_225_600_000, causation_id: null },
  items: [{ sku: 'SKU-1', quantity: 2 }],
  currency: 'EUR',
};

const only = (id: number, type = orderCreated) => async (wanted: number) => (wanted === id ? type : undefined);

describe('FrameWriter', () => {
  it('writes the bytes encodeWithSchemaId does, across slabs, records larger than a slab included, none overwriting another', () => {
    const writer = new FrameWriter(64);
    const values = Array.from({ length: 200 }, (_, i) => ({ ...order, currency: 'X'.repeat(i % 7 === 0 ? 100 : i % 5), items: Array.from({ length: i % 4 }, () => ({ sku: `SKU-${i}`, quantity: i })) }));
    const frames = values.map((v, i) => writer.write(orderCreated, 1000 + i, v));
    values.forEach((v, i) => expect(frames[i]).toEqual(encodeWithSchemaId(orderCreated, 1000 + i, v)));
  });

  it('refuses invalid records with their paths, like encodeWithSchemaId', () => {
    expect(() => new FrameWriter().write(orderCreated, 1, { ...order, items: [{ sku: 'SKU-1', quantity: 1.5 }] })).toThrow(InvalidRecordError);
    expect(() => new FrameWriter().write(orderCreated, 1, { ...order, items: [{ sku: 'SKU-1', quantity: 1.5 }] })).toThrow(/items\.0\.quantity/);
  });
});

describe('encodeWithSchemaId / decodeFramed', () => {
  it('frames as magic byte 0 + big-endian id + Avro binary, and decodes back', async () => {
    const framed = encodeWithSchemaId(orderCreated, 258, order);
    expect(framed[0]).toBe(0);
    expect(framed.subarray(1, 5)).toEqual(Buffer.from([0, 0, 1, 2]));
    expect(framed.subarray(5)).toEqual(orderCreated.toBuffer(order));
    const decoded = await decodeFramed(framed, only(258));
    expect(decoded.schemaId).toBe(258);
    expect(decoded.value).toEqual(order);
    // timestamp-millis stays an epoch-ms number, uuid a string
    expect(typeof (decoded.value as typeof order).envelope.occurred_at).toBe('number');
  });

  it('refuses a record that does not validate, naming every bad path', () => {
    const bad = { ...order, envelope: { ...order.envelope, occurred_at: 'yesterday' }, items: [{ sku: 'S', quantity: 1.5 }] };
    delete (bad as Partial<typeof order>).currency;
    const err = (() => {
      try {
        encodeWithSchemaId(orderCreated, 1, bad);
      } catch (e) {
        return e;
      }
    })() as InvalidRecordError;
    expect(err).toBeInstanceOf(InvalidRecordError);
    expect(err.name).toBe('InvalidRecordError');
    expect(err.paths).toEqual(['envelope.occurred_at', 'items.0.quantity', 'currency']);
    expect(err.message).toContain('com.streamflow.test.OrderCreated');
  });

  it('tells a bad magic byte (or an empty value) from the rest', async () => {
    const framed = encodeWithSchemaId(orderCreated, 7, order);
    const wrong = Buffer.from(framed);
    wrong[0] = 0x7b; // '{': someone produced JSON
    await expect(decodeFramed(wrong, only(7))).rejects.toMatchObject({ name: 'BadMagicByteError', magicByte: 0x7b, exitCode: ExitCode.usage });
    await expect(decodeFramed(Buffer.alloc(0), only(7))).rejects.toBeInstanceOf(BadMagicByteError);
  });

  it('reports an id the registry does not know', async () => {
    const framed = encodeWithSchemaId(orderCreated, 99, order);
    await expect(decodeFramed(framed, only(7))).rejects.toMatchObject({ name: 'UnknownSchemaIdError', schemaId: 99 });
    await expect(decodeFramed(framed, only(7))).rejects.toBeInstanceOf(UnknownSchemaIdError);
  });

  it('reports truncated, trailing and undecodable bodies as AvroDecodeError', async () => {
    const framed = encodeWithSchemaId(orderCreated, 7, order);
    for (const broken of [framed.subarray(0, framed.length - 3), Buffer.concat([framed, Buffer.from([1, 2])]), framed.subarray(0, 3)]) {
      const err = await decodeFramed(broken, only(7)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AvroDecodeError);
      expect((err as Error).name).toBe('AvroDecodeError');
    }
    // A value written with another schema does not decode under this one.
    const other = avroTypeOf({ type: 'record', name: 'X', fields: [{ name: 'n', type: 'long' }] });
    const foreign = encodeWithSchemaId(other, 7, { n: 1_000_000 });
    await expect(decodeFramed(foreign, only(7))).rejects.toThrow(/cannot decode with schema id 7/);
  });

  it('lets lookup failures (registry down) through, so they are retried, not dead-lettered', async () => {
    const framed = encodeWithSchemaId(orderCreated, 7, order);
    const down = new UnreachableError('registry', 'http://r', 'connection refused');
    await expect(decodeFramed(framed, () => Promise.reject(down))).rejects.toBe(down);
  });
});

describe('every checkout contract', () => {
  it('round-trips a random valid value through the framing', async () => {
    for (const c of await loadContracts(path.resolve('schemas/checkout'))) {
      const { type } = withAvroType(c.schema);
      const value = type.random();
      const decoded = await decodeFramed(encodeWithSchemaId(type, 3, value), only(3, type));
      expect(decoded.value, c.file).toEqual(value);
    }
  });
});

describe('SchemaCache', () => {
  const fakeClient = (schemas: Record<number, string>) => {
    const calls: number[] = [];
    const client = {
      getSchemaById: async (id: number) => {
        calls.push(id);
        await new Promise((r) => setTimeout(r, 5));
        if (!(id in schemas)) throw new RegistryNotFoundError(`schema id ${id} not found`, ExitCode.usage, 404, 40403);
        return { id, schema: schemas[id]! };
      },
    } as unknown as RegistryClient;
    return { client, calls };
  };

  it('fetches each id once, even for concurrent lookups, and decodes with it', async () => {
    const { client, calls } = fakeClient({ 5: orderCreatedText });
    const cache = new SchemaCache(client);
    const framed = encodeWithSchemaId(orderCreated, 5, order);
    const decoded = await Promise.all([decodeFramed(framed, cache.lookup), decodeFramed(framed, cache.lookup), cache.lookup(5)]);
    expect(decoded[0].value).toEqual(order);
    expect(calls).toEqual([5]);
    await cache.lookup(5);
    expect(calls).toEqual([5]);
  });

  it('does not remember unknown ids: one registered later is found', async () => {
    const schemas: Record<number, string> = {};
    const { client, calls } = fakeClient(schemas);
    const cache = new SchemaCache(client);
    expect(await cache.lookup(9)).toBeUndefined();
    schemas[9] = orderCreatedText;
    expect((await cache.lookup(9))?.name).toBe('com.streamflow.test.OrderCreated');
    expect(calls).toEqual([9, 9]);
  });
});
