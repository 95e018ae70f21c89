import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../src/records/record-filter.js';
import type { RecordView } from '../../../src/records/record-json.js';
import { compileTemplate } from '../../../src/records/record-template.js';

const view: RecordView = {
  topic: 'checkout.orders',
  partition: 2,
  offset: 17,
  timestamp: 1796247802314,
  key: 'o-42',
  keyFormat: 'text',
  value: { total_minor: 12_000, currency: 'EUR', items: [{ sku: 'SKU-1' }] },
  valueFormat: 'avro',
  valueSchemaId: 3,
  headers: { event_type: 'OrderCreated', x: ['a', 'b'] },
};

describe('--where', () => {
  it('tests decoded fields, keys and headers', () => {
    expect(compileFilter(['value.total_minor > 10000'])!(view)).toBe(true);
    expect(compileFilter(['value.total_minor > 20000'])!(view)).toBe(false);
    expect(compileFilter(['key == "o-42"', 'headers.event_type == "OrderCreated"'])!(view)).toBe(true);
    expect(compileFilter(['headers["event_type"] == "OrderCancelled"'])!(view)).toBe(false);
    expect(compileFilter(['value.items[0].sku == "SKU-1" && partition in [1, 2]'])!(view)).toBe(true);
  });

  it('is false, not an error, for a field the record does not have', () => {
    expect(compileFilter(['value.nope.deeper > 1'])!(view)).toBe(false);
  });

  it('refuses an expression that does not parse, naming the flag', () => {
    expect(() => compileFilter(['value.total_minor >'])).toThrow(/--where "value.total_minor >" is not an expression/);
    expect(compileFilter([])).toBeUndefined();
  });
});

describe('--format', () => {
  it('fills kcat -f tokens', () => {
    const render = compileTemplate('%t/%p@%o %T %k=%s (%K,%S) [%h] 100%%\\n');
    expect(render(view, { key: 4, value: 60 })).toBe(
      'checkout.orders/2@17 1796247802314 o-42={"total_minor":12000,"currency":"EUR","items":[{"sku":"SKU-1"}]} (4,60) [event_type=OrderCreated,x=a,x=b] 100%\n',
    );
  });

  it('prints a null key as nothing, as kcat does', () => {
    expect(compileTemplate('%k|%s\\t')({ ...view, key: null, value: 'v' }, { key: -1, value: 1 })).toBe('|v\t');
  });
});
