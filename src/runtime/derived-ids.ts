import crypto from 'node:crypto';

/** SHA-1 as hex in one call where Node has it (20.12 and later): no Hash object, no Buffer per id. */
const sha1Hex: (data: string) => string = typeof crypto.hash === 'function' ? (data) => crypto.hash('sha1', data) : (data) => crypto.createHash('sha1').update(data).digest('hex');

/**
 * The event id of an event a service emits, derived from the event that caused it. Replaying
 * an input (after a crash, a rebalance or a redrive) therefore emits the same ids, and every
 * downstream consumer's dedup absorbs the repeat. Formatted as a name-based (v5-style) UUID:
 * the first 16 bytes of the digest with the version nibble 5 and the variant bits 10.
 */
export function derivedEventId(service: string, causeEventId: string, eventType: string): string {
  const x = sha1Hex(`${service}\u0000${causeEventId}\u0000${eventType}`);
  const variant = VARIANT[parseInt(x[16]!, 16) & 3];
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-5${x.slice(13, 16)}-${variant}${x.slice(17, 20)}-${x.slice(20, 32)}`;
}

const VARIANT = '89ab';

/** The reference payment gateway declines 1 order in 20, decided by the order id (so verify can predict it). */
export function isDeclined(orderId: string): boolean {
  return parseInt(sha1Hex(orderId).slice(0, 2), 16) % 20 === 0;
}
