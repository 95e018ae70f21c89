import { describe, expect, it } from 'vitest';
import { decodeOutbox, encodeOutbox } from '../../../src/runtime/outbox-codec.js';

describe('outbox frames', () => {
  it('give back every record byte for byte, binary values and headers included', () => {
    const records = [
      { topic: 'checkout.payments', key: 'ordér-1', value: Buffer.from([0, 0, 0, 0, 7, 255, 0, 10]), headers: { event_id: Buffer.from('e-1'), raw: Buffer.from([0, 1, 2]) } },
      { topic: 'checkout.orders', key: '', value: Buffer.alloc(0), headers: {} },
    ];
    expect(decodeOutbox(encodeOutbox(records))).toEqual(records);
  });

  it('encode no records as an empty frame, and read an empty or missing one as no records', () => {
    expect(encodeOutbox([]).length).toBe(0);
    expect(decodeOutbox(Buffer.alloc(0))).toEqual([]);
    expect(decodeOutbox(null)).toEqual([]);
  });
});
