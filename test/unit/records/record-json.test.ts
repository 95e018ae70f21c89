import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ConsumedRecord } from '../../../src/kafka/record-reader.js';
import { JsonLineSink } from '../../../src/records/json-line-sink.js';
import { RecordDecoder } from '../../../src/records/record-decoding.js';
import { recordView, writeRecordJson } from '../../../src/records/record-json.js';

const decoder = new RecordDecoder(undefined);

function record(over: Partial<ConsumedRecord>): ConsumedRecord {
  return { topic: 'checkout.orders', partition: 3, offset: 1234567n, timestamp: 1796247802314, key: Buffer.from('o-1'), value: Buffer.from('hello'), headers: [], ...over };
}

/** The bytes writer and the view must agree: scripts get the first, --where and the dashboard the second. */
function both(r: ConsumedRecord): { line: string; view: string } {
  const key = decoder.decode(r.key);
  const value = decoder.decode(r.value);
  const sink = new JsonLineSink();
  writeRecordJson(sink, r, key, value);
  return { line: sink.take().toString('utf8'), view: JSON.stringify(recordView(r, key, value)) + '\n' };
}

describe('a record as a JSON line', () => {
  it('writes the same JSON as the view, for text, JSON, bytes, null and headers', () => {
    const cases: Array<Partial<ConsumedRecord>> = [
      {},
      { key: null, value: null },
      { value: Buffer.from('{"total_minor": 12000, "lines": [1, 2]}') },
      { value: Buffer.from('[1,2,3]') },
      { value: Buffer.from('{not json') },
      { value: Buffer.from('say "hi"\\ and\ttab\nnewline \u0001 é ✓ 😀') },
      { value: Buffer.from([0xff, 0xfe, 0x00, 0x01]) },
      { value: Buffer.from([0, 0, 0, 0, 7, 1, 2]) }, // framed, no registry: bytes with the reason
      { offset: 0n, timestamp: 0 },
      { offset: 9007199254740991n, timestamp: 4102444800000 },
      {
        headers: [
          { key: 'kafka_dlt-original-offset', value: Buffer.from([0, 0, 0, 0, 0, 0, 1, 2]) },
          { key: 'kafka_dlt-original-partition', value: Buffer.from([0, 0, 0, 5]) },
          { key: 'x', value: Buffer.from('a') },
          { key: 'x', value: Buffer.from('b') },
          { key: 'bin', value: Buffer.from([0xc3, 0x28]) },
          { key: 'none', value: null },
        ],
      },
    ];
    for (const c of cases) {
      const { line, view } = both(record(c));
      expect(line).toBe(view);
      JSON.parse(line);
    }
  });

  it('agrees with the view for any bytes at any alignment (the four-bytes-at-a-time escape check)', () => {
    const pool = Buffer.alloc(4096);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), fc.constantFrom(0x20, 0x22, 0x5c, 0x41, 0x1f, 0x7f, 0xc3), (bytes, shift, filler) => {
        pool.fill(filler);
        pool.set(bytes, shift);
        const value = pool.subarray(shift, shift + bytes.length);
        const { line, view } = both(record({ value }));
        expect(line).toBe(view);
      }),
      { numRuns: 500 },
    );
  });

  it('shows framed records without a registry as bytes, and why', () => {
    const view = recordView(record({}), decoder.decode(Buffer.from('k')), decoder.decode(Buffer.from([0, 0, 0, 0, 7, 1, 2])));
    expect(view).toMatchObject({ valueFormat: 'base64', valueSchemaId: 7, valueError: expect.stringContaining('no schema registry') });
    expect(Buffer.from(view.value as string, 'base64')).toEqual(Buffer.from([0, 0, 0, 0, 7, 1, 2]));
  });

  it('shows bytes as hex when asked', () => {
    const hex = new RecordDecoder(undefined, 'hex');
    expect(recordView(record({}), hex.decode(null), hex.decode(Buffer.from([0xff, 0x10])))).toMatchObject({ key: null, keyFormat: null, value: 'ff10', valueFormat: 'hex' });
  });
});

describe('JsonLineSink.int', () => {
  it('writes any safe non-negative integer as String() does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 9, 10, 999_999, 1_000_000, 1e12 - 1, 1e12, 1_000_000_000_001, Number.MAX_SAFE_INTEGER)), (n) => {
        const sink = new JsonLineSink();
        sink.int(n);
        expect(sink.take().toString()).toBe(String(n));
      }),
      { numRuns: 2000 },
    );
  });
});
