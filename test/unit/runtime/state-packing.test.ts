import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatePacker, statePackerFor } from '../../../src/runtime/state-packing.js';

describe('state packing', () => {
  it('gives back any state exactly, whatever its text', () => {
    const packer = statePackerFor('inventory');
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(packer.unpack(packer.pack(JSON.stringify(v)))).toBe(JSON.stringify(v));
      }),
    );
  });

  it('keeps the reference services\' states under Redis\' 64-byte listpack value with their marks', () => {
    const payment = JSON.stringify({ status: 'AUTHORIZED', amount: 13563, currency: 'SEK' });
    const inventory = JSON.stringify({ status: 'RESERVED', items: [1, 2, 3, 4].map((i) => ({ sku: `SKU-0037${i}`, quantity: 2 })) });
    expect(statePackerFor('payment').pack(payment).length).toBeLessThanOrEqual(12);
    expect('m'.repeat(16).length + 1 + statePackerFor('inventory').pack(inventory).length).toBeLessThanOrEqual(64);
    expect(statePackerFor('shipping').pack(JSON.stringify({ status: 'CANCELLED', skipped: true })).length).toBe(1);
  });

  it('packs nothing for a service without tokens, and refuses more tokens than control characters', () => {
    expect(statePackerFor('somebody-else').pack('{"a":1}')).toBe('{"a":1}');
    expect(() => new StatePacker(Array.from({ length: 32 }, (_, i) => `t${i}`))).toThrow(/at most 31/);
  });
});
