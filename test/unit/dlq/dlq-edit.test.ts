import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFieldSets, diffJson, parseFieldSet, planEdit } from '../../../src/dlq/dlq-edit.js';
import { schemaViolations } from '../../../src/schema/avro-json-view.js';
import { toJsonSafe } from '../../../src/dlq/payload-decoder.js';
import { avroTypeOf } from '../../../src/schema/schema-file.js';

const orderCreated = avroTypeOf(JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../schemas/checkout/order-created.avsc'), 'utf8')));
const order = {
  envelope: { event_id: '7f1c0c8e-0000-4000-8000-000000000001', event_type: 'OrderCreated', occurred_at: 1714564800000, correlation_id: 'o-1', causation_id: null, producer: 'checkout-service' },
  order_id: '7f1c0c8e-0000-4000-8000-000000000002',
  user_id: 'u-1',
  items: [{ sku: 'SKU-1', quantity: 2, unit_price_minor: 500 }],
  total_minor: 1000,
  currency: 'EUR',
  shipping_address: { name: 'Ada', line1: '1 Main St', line2: null, city: 'Paris', postal_code: '75001', country: 'FR' },
};
// The JSON view dlq edit works on: what the decoder shows.
const before = toJsonSafe(orderCreated.fromBuffer(orderCreated.toBuffer(order)));

const edit = (...sets: string[]) => planEdit(before, applyFieldSets(before, sets.map(parseFieldSet)), orderCreated);

describe('parseFieldSet', () => {
  it('splits the path on dots and takes the value as JSON when it parses, else as text', () => {
    expect(parseFieldSet('items.0.quantity=3')).toEqual({ path: 'items.0.quantity', segments: ['items', '0', 'quantity'], value: 3 });
    expect(parseFieldSet('currency=USD').value).toBe('USD');
    expect(parseFieldSet('shipping_address.line2=null').value).toBeNull();
    expect(parseFieldSet('user_id="123"').value).toBe('123');
    expect(parseFieldSet('note=a=b').value).toBe('a=b');
  });

  it('refuses what is not PATH=VALUE', () => {
    for (const bad of ['total_minor', '=3', 'items..sku=x', 'items.=x']) expect(() => parseFieldSet(bad)).toThrow(/is not PATH=VALUE/);
  });
});

describe('planEdit with --set', () => {
  it('applies the sets and lists the changed fields, old -> new', () => {
    const plan = edit('total_minor=1200', 'items.0.sku=SKU-9', 'shipping_address.line2=Apt 4');
    expect(plan.changes).toEqual([
      { path: 'items.0.sku', from: 'SKU-1', to: 'SKU-9' },
      { path: 'total_minor', from: 1000, to: 1200 },
      { path: 'shipping_address.line2', from: null, to: 'Apt 4' },
    ]);
    expect(orderCreated.isValid(plan.value)).toBe(true);
    expect((before as typeof order).total_minor).toBe(1000); // the original is not touched
  });

  it('refuses a field the schema does not have, naming the path', () => {
    expect(() => edit('shipping_address.zip=75001')).toThrow('unknown field shipping_address.zip: not in schema com.streamflow.checkout.OrderCreated');
    expect(() => edit('payment.amountCents=5')).toThrow('--set payment.amountCents: no field payment in the record');
    expect(() => edit('items.3.sku=x')).toThrow('--set items.3.sku: no element items.3 (1 elements)');
  });

  it('refuses a value of the wrong type with the path and the reason', () => {
    expect(() => edit('total_minor=twelve')).toThrow('invalid value for schema com.streamflow.checkout.OrderCreated: total_minor: expected long, got "twelve"');
    expect(() => edit('items.0.quantity=1.5')).toThrow('items.0.quantity: expected int, got 1.5');
    expect(() => edit('shipping_address.line2=5')).toThrow('shipping_address.line2: expected null or string, got 5');
    expect(() => edit('shipping_address=null')).toThrow('shipping_address: expected record com.streamflow.checkout.Address, got null');
  });

  it('refuses an edit that changes nothing', () => {
    expect(() => edit('currency=EUR')).toThrow('the edit changes nothing');
  });
});

describe('planEdit of a whole value (--editor)', () => {
  it('reports a removed required field and an added unknown one', () => {
    const { currency: _dropped, ...withoutCurrency } = before as typeof order;
    expect(() => planEdit(before, withoutCurrency, orderCreated)).toThrow('currency: expected string, got nothing (missing)');
    expect(() => planEdit(before, { ...(before as object), coupon: 'X' }, orderCreated)).toThrow('unknown field coupon');
  });
});

describe('JSON view round trip', () => {
  const type = avroTypeOf({
    type: 'record',
    name: 'Blob',
    fields: [
      { name: 'data', type: 'bytes' },
      { name: 'size', type: 'long' },
      { name: 'tag', type: ['null', 'bytes'], default: null },
    ],
  });
  const blob = toJsonSafe({ data: Buffer.from('hi'), size: 2, tag: null });

  it('takes bytes (and bytes in a union) back from base64', () => {
    const plan = planEdit(blob, { data: Buffer.from('hello').toString('base64'), size: 5, tag: Buffer.from('t').toString('base64') }, type);
    expect(plan.value).toEqual({ data: Buffer.from('hello'), size: 5, tag: Buffer.from('t') });
    expect(plan.changes.map((c) => c.path)).toEqual(['data', 'size', 'tag']);
  });

  it('names the path of each violation', () => {
    expect(schemaViolations(type, { data: Buffer.alloc(0), size: 1.5, tag: 3 }).map((v) => v.path)).toEqual(['size', 'tag']);
  });
});

describe('diffJson', () => {
  it('lists changed leaves; arrays of another length change as a whole', () => {
    expect(diffJson({ a: { b: 1, c: [1, 2] } }, { a: { b: 2, c: [1, 2, 3] } })).toEqual([
      { path: 'a.b', from: 1, to: 2 },
      { path: 'a.c', from: [1, 2], to: [1, 2, 3] },
    ]);
    expect(diffJson({ a: 1 }, { a: 1, b: 2 })).toEqual([{ path: 'b', from: null, to: 2 }]);
  });
});
