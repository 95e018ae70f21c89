import { describe, expect, it } from 'vitest';
import { shippedContractsDir } from '../../../src/config/package-root.js';
import { UsageError } from '../../../src/errors.js';
import { type LineDefaults, LineRefusal, parseProduceLine } from '../../../src/records/produce-lines.js';
import { produceSubjects } from '../../../src/records/produce-subjects.js';
import { RecordEncoder } from '../../../src/records/record-encoding.js';
import { headersView } from '../../../src/records/record-json.js';
import { loadContracts } from '../../../src/schema/contracts.js';

const defaults: LineDefaults = { lines: 'record', keyFormat: 'text', valueFormat: 'avro', headers: {}, ignorePartition: false, keepTimestamp: false };

function refusal(fn: () => unknown): LineRefusal {
  try {
    fn();
  } catch (err) {
    if (err instanceof LineRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseProduceLine', () => {
  it("reads topic consume's line back: what a new record cannot keep is ignored, Spring's int headers become big-endian ints again", () => {
    const consumed = {
      topic: 'a', partition: 2, offset: 41, timestamp: 1_796_000_000_000, key: 'o-1', keyFormat: 'text', value: { order_id: 'o-1' }, valueFormat: 'avro', valueSchemaId: 7,
      headers: { 'kafka_dlt-original-partition': 3, 'kafka_dlt-original-offset': 2 ** 40, h: ['x', 'y'], bin: { base64: 'AP8=' } },
    };
    const line = parseProduceLine(JSON.stringify(consumed), 1, defaults);
    expect(line).toMatchObject({ line: 1, key: { format: 'text', value: 'o-1' }, value: { format: 'avro', value: { order_id: 'o-1' } }, partition: 2 });
    expect(line.timestamp).toBeUndefined();
    const headers = Object.entries(line.headers).flatMap(([key, values]) => values.map((value) => ({ key, value: Buffer.isBuffer(value) ? value : Buffer.from(value) })));
    expect(headersView(headers)).toEqual(consumed.headers);
    expect(parseProduceLine(JSON.stringify(consumed), 1, { ...defaults, keepTimestamp: true }).timestamp).toBe(1_796_000_000_000);
  });

  it('refuses what is not a record line, naming the field', () => {
    expect(refusal(() => parseProduceLine('{"key":"a"', 3, defaults))).toMatchObject({ line: 3, path: '(line)' });
    expect(refusal(() => parseProduceLine('[1]', 1, defaults)).reason).toMatch(/--lines value/);
    expect(refusal(() => parseProduceLine('{"key":"a","vale":1}', 1, defaults))).toMatchObject({ path: 'vale' });
    expect(refusal(() => parseProduceLine('{"key":"a"}', 1, defaults))).toMatchObject({ path: 'value', reason: expect.stringMatching(/tombstone/) });
    expect(refusal(() => parseProduceLine('{"value":1,"partition":-1}', 1, defaults))).toMatchObject({ path: 'partition' });
    expect(refusal(() => parseProduceLine('{"value":1,"valueFormat":"xml"}', 1, defaults))).toMatchObject({ path: 'valueFormat' });
    expect(refusal(() => parseProduceLine('{"value":1,"headers":{"h":null}}', 1, defaults))).toMatchObject({ path: 'headers.h' });
  });

  it('a null value is a tombstone; flags fill in the key, headers and partition', () => {
    const d = { ...defaults, key: 'k', headers: { source: 'backfill' }, partition: 1 };
    expect(parseProduceLine('{"value":null,"partition":0}', 1, d)).toMatchObject({ key: { format: 'text', value: 'k' }, value: null, headers: { source: ['backfill'] }, partition: 1 });
    expect(parseProduceLine('{"value":1,"partition":5}', 1, { ...defaults, ignorePartition: true }).partition).toBeUndefined();
  });

  it('--lines value: the line is the value, JSON for avro and json, text otherwise', () => {
    expect(parseProduceLine('{"a":1}', 1, { ...defaults, lines: 'value' }).value).toEqual({ format: 'avro', value: { a: 1 } });
    expect(parseProduceLine('{"a":1', 1, { ...defaults, lines: 'value', valueFormat: 'text' }).value).toEqual({ format: 'text', value: '{"a":1' });
    expect(refusal(() => parseProduceLine('{"a":1', 2, { ...defaults, lines: 'value' }))).toMatchObject({ line: 2, path: 'value' });
  });
});

describe('RecordEncoder without Avro', () => {
  const encoder = new RecordEncoder(undefined, { key: { subjects: ['t-key'], version: 'latest' }, value: { subjects: ['t-value'], version: 'latest' } });

  it('writes json, text, base64 and hex, and refuses what does not fit the format', async () => {
    expect((await encoder.encode('value', { format: 'json', value: { a: [1] } }, 1)).bytes?.toString()).toBe('{"a":[1]}');
    expect((await encoder.encode('key', { format: 'text', value: 42 }, 1)).bytes?.toString()).toBe('42');
    expect((await encoder.encode('value', { format: 'hex', value: '00ff' }, 1)).bytes).toEqual(Buffer.from([0, 255]));
    expect((await encoder.encode('value', { format: 'base64', value: 'AP8=' }, 1)).bytes).toEqual(Buffer.from([0, 255]));
    expect((await encoder.encode('value', null, 1)).bytes).toBeNull();
    await expect(encoder.encode('key', { format: 'text', value: { a: 1 } }, 4)).rejects.toMatchObject({ line: 4, path: 'key' });
    await expect(encoder.encode('value', { format: 'hex', value: 'xyz' }, 1)).rejects.toBeInstanceOf(LineRefusal);
    await expect(encoder.encode('value', { format: 'avro', value: {} }, 1)).rejects.toThrow(/need a schema registry/);
  });
});

describe('produceSubjects', () => {
  it('follows the naming strategy the contracts declare for the topic', async () => {
    const contracts = await loadContracts(shippedContractsDir());
    expect(produceSubjects('checkout.orders', contracts, { version: 'latest' }).value.subjects).toEqual([
      'checkout.orders-com.streamflow.checkout.OrderCreated',
      'checkout.orders-com.streamflow.checkout.OrderCancelled',
    ]);
    expect(produceSubjects('checkout.orders', contracts, { record: 'OrderCancelled', version: 2 }).value).toEqual({ subjects: ['checkout.orders-com.streamflow.checkout.OrderCancelled'], version: 2 });
    expect(produceSubjects('checkout.shipments', contracts, { version: 'latest' }).value.subjects).toEqual(['checkout.shipments-value']);
    expect(produceSubjects('other', contracts, { version: 'latest' })).toEqual({ key: { subjects: ['other-key'], version: 'latest' }, value: { subjects: ['other-value'], version: 'latest' } });
    expect(produceSubjects('checkout.orders', contracts, { subject: 's', version: 'latest' }).value.subjects).toEqual(['s']);
    expect(() => produceSubjects('checkout.orders', contracts, { record: 'Nope', version: 'latest' })).toThrow(/carries com.streamflow.checkout.OrderCreated/);
    expect(() => produceSubjects('checkout.orders', contracts, { version: 3 })).toThrow(UsageError);
  });

  it("asks the registry's subjects about a topic the contracts do not name", () => {
    const registered = ['t-key', 't-com.acme.A', 't-com.acme.B', 't-x-value', 'u-value'];
    expect(produceSubjects('t', [], { version: 'latest' }, registered).value.subjects).toEqual(['t-com.acme.A', 't-com.acme.B']);
    expect(produceSubjects('t', [], { record: 'B', version: 'latest' }, registered).value.subjects).toEqual(['t-com.acme.B']);
    expect(produceSubjects('u', [], { version: 'latest' }, registered).value.subjects).toEqual(['u-value']);
    expect(produceSubjects('t-x', [], { version: 'latest' }, registered).value.subjects).toEqual(['t-x-value']);
  });
});
