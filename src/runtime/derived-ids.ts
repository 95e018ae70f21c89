import crypto from 'node:crypto';

/** SHA-1 in one call where Node has it (20.12 and later): no Hash object per id. */
const sha1: (data: string) => Buffer = typeof crypto.hash === 'function' ? (data) => crypto.hash('sha1', data, 'buffer') : (data) => crypto.createHash('sha1').update(data).digest();

/**
 * The event id of an event a service emits, derived from the event that caused it. Replaying
 * an input (after a crash, a rebalance or a redrive) therefore emits the same ids, and every
 * downstream consumer's dedup absorbs the repeat. Formatted as a name-based (v5-style) UUID.
 */
export function derivedEventId(service: string, causeEventId: string, eventType: string): string {
  const h = sha1(`${service}\u0000${causeEventId}\u0000${eventType}`);
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.toString('hex', 0, 16);
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** The reference payment gateway declines 1 order in 20, decided by the order id (so verify can predict it). */
export function isDeclined(orderId: string): boolean {
  return sha1(orderId)[0]! % 20 === 0;
}
