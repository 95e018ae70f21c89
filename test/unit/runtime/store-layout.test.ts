import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SHARDS, eventMark, keyNames, orderField, shardBase, shardOf, storeScope } from '../../../src/runtime/store-layout.js';

describe('store layout', () => {
  it('gives marks a fixed width of 8 and fields 12 characters, for UUIDs and any other id', () => {
    for (const id of ['3067a51d-a320-45e8-96da-417bd9493622', 'order-42', 'x'.repeat(300)]) {
      expect(eventMark(id)).toMatch(/^[A-Za-z0-9_-]{8}$/);
      expect(orderField(id)).toMatch(/^[A-Za-z0-9_-]{12}$/);
    }
  });

  it("keeps a UUID's last 72 bits after the version digit as they are, so stored marks and fields stay readable", () => {
    for (let i = 0; i < 2_000; i++) {
      const id = i % 2 ? crypto.randomUUID() : crypto.randomUUID().toUpperCase();
      const bits = Buffer.from((id.slice(16, 18) + id.slice(19, 23) + id.slice(24)), 'hex').toString('base64url');
      expect(orderField(id)).toBe(bits);
      expect(eventMark(id)).toBe(bits.slice(-8));
    }
    // Not quite a UUID: digested instead.
    expect(orderField('3067a51d-a320-45e8-96da-417bd949362g')).toBe(crypto.createHash('md5').update('3067a51d-a320-45e8-96da-417bd949362g').digest('base64url').slice(-12));
  });

  it('tells UUIDs apart that differ only in their random bits', () => {
    const a = '3067a51d-a320-45e8-96da-417bd9493622';
    const b = '3067a51d-a320-45e8-96da-417bd9493623';
    expect(eventMark(a)).not.toBe(eventMark(b));
    expect(orderField(a)).not.toBe(orderField(b));
  });

  it('puts every key of a shard under one hash tag, the same for a record key wherever it is seen', () => {
    const shard = shardOf('user-17');
    expect(shard).toBe(shardOf('user-17'));
    expect(shard).toBeGreaterThanOrEqual(0);
    expect(shard).toBeLessThan(SHARDS);
    expect(shardBase('payment', shard)).toBe(`sf:{payment:${shard}}:`);
  });

  it('keeps the default keys and folds a store namespace into the hash tag', () => {
    expect(shardBase(storeScope('payment'), 7)).toBe('sf:{payment:7}:');
    expect(shardBase(storeScope('payment', 'soak1'), 7)).toBe('sf:{soak1.payment:7}:');
    expect(keyNames.audit(shardBase(storeScope('shipping', 'soak1'), 0), 'run-1')).toBe('sf:{soak1.shipping:0}:audit:run-1');
  });
});
