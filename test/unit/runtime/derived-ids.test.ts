import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { derivedEventId, isDeclined } from '../../../src/runtime/derived-ids.js';

/** The definition: SHA-1 of the name, first 16 bytes, version 5 and the RFC 4122 variant. */
function reference(service: string, cause: string, type: string): string {
  const h = crypto.createHash('sha1').update(`${service}\u0000${cause}\u0000${type}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

describe('derived event ids', () => {
  it('are the v5-style UUIDs of their cause, as stored ids and downstream dedup marks expect', () => {
    for (let i = 0; i < 2_000; i++) {
      const cause = crypto.randomUUID();
      const id = derivedEventId('payment', cause, 'PaymentCaptured');
      expect(id).toBe(reference('payment', cause, 'PaymentCaptured'));
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('decline one order in twenty by the first byte of its digest', () => {
    const ids = Array.from({ length: 2_000 }, () => crypto.randomUUID());
    for (const id of ids) expect(isDeclined(id)).toBe(crypto.createHash('sha1').update(id).digest()[0]! % 20 === 0);
  });
});
