import { describe, expect, it } from 'vitest';
import { derivedEventId, isDeclined } from '../../../src/runtime/derived-ids.js';
import { SERVICES } from '../../../src/runtime/types.js';
import { type VerifyInput, verifyRun } from '../../../src/runtime/verify-run.js';

/** Two authorized orders, every event applied once; `early`'s states are gone from every service but shipping's. */
function input(opts: { statesMayHaveExpired: boolean; earlyShipmentApplied: number }): VerifyInput {
  const ids = Array.from({ length: 40 }, (_, i) => `order-${i}`).filter((id) => !isDeclined(id));
  const [early, late] = [ids[0]!, ids[1]!];
  const valid = [early, late].map((orderId, i) => ({ eventId: `e-${i}`, eventType: 'OrderCreated', orderId, key: orderId }));
  const effects = Object.fromEntries(SERVICES.map((s) => [s, new Map<string, number>()])) as VerifyInput['effects'];
  for (const v of valid) {
    const paid = derivedEventId('payment', v.eventId, 'PaymentAuthorized');
    const shipment = derivedEventId('shipping', paid, 'ShipmentScheduled');
    for (const s of SERVICES) effects[s].set(v.eventId, 1);
    effects.shipping.set(paid, 1);
    effects.notification.set(shipment, v.orderId === early ? opts.earlyShipmentApplied : 1);
  }
  const orders = {
    payment: new Map([[late, { status: 'AUTHORIZED' }]]),
    inventory: new Map([[late, { status: 'RESERVED' }]]),
    shipping: new Map([[late, { status: 'SCHEDULED' }]]),
    notification: new Map(),
  } as VerifyInput['orders'];
  return { runId: 'r', valid, poison: [], effects, orders, dlq: [], statesMayHaveExpired: opts.statesMayHaveExpired };
}

describe('verifyRun', () => {
  it('a run younger than the dedup window must hold every state: a missing one is inconsistent', () => {
    const report = verifyRun(input({ statesMayHaveExpired: false, earlyShipmentApplied: 0 }));
    expect(report.saga).toMatchObject({ orders: 2, completed: 1, inconsistent: 1, expired: 0 });
    expect(report.ok).toBe(false);
  });

  it('in a run older than the window, an order whose state expired is counted apart and its shipment may be missing', () => {
    const report = verifyRun(input({ statesMayHaveExpired: true, earlyShipmentApplied: 0 }));
    expect(report.saga).toMatchObject({ orders: 2, completed: 1, inconsistent: 0, expired: 1 });
    expect(report.services.notification).toMatchObject({ missing: 0, duplicated: 0 });
    expect(report.ok).toBe(true);
  });

  it('an expired order\'s shipment applied twice is still a duplicate', () => {
    const report = verifyRun(input({ statesMayHaveExpired: true, earlyShipmentApplied: 2 }));
    expect(report.services.notification.duplicated).toBe(1);
    expect(report.ok).toBe(false);
  });
});

describe('verifyRun: records of failed sends', () => {
  const base = () => input({ statesMayHaveExpired: true, earlyShipmentApplied: 1 });

  it('a poison record of a failed send found in the DLQs is expected there, not unexpected', () => {
    const given = base();
    given.inDoubt = { valid: [], poison: [{ eventId: 'p-1', kind: 'bad-magic-byte', orderId: 'order-x' }] };
    given.dlq = SERVICES.map((service) => ({ service, eventId: 'p-1', errorClass: 'BadMagicByteError' }));
    const report = verifyRun(given);
    expect(report.inDoubt).toEqual({ records: 1, written: 1 });
    expect(report.dlq).toMatchObject({ poisonExpected: 1, poisonFound: 1, unexpected: 0 });
    expect(report.ok).toBe(true);
  });

  it('one that reached only some DLQs was written and is missing from the others', () => {
    const given = base();
    given.inDoubt = { valid: [], poison: [{ eventId: 'p-1', kind: 'bad-magic-byte', orderId: 'order-x' }] };
    given.dlq = [{ service: 'payment', eventId: 'p-1', errorClass: 'BadMagicByteError' }];
    const report = verifyRun(given);
    expect(report.dlq).toMatchObject({ poisonExpected: 1, poisonFound: 0 });
    expect(report.ok).toBe(false);
  });

  it('an event of a failed send that no service applied was not written; one that a service applied must be applied by all', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `order-${i}`).filter((id) => !isDeclined(id));
    const unwritten = base();
    unwritten.inDoubt = { valid: [{ eventId: 'e-9', eventType: 'OrderCreated', orderId: ids[5]!, key: ids[5]! }], poison: [] };
    expect(verifyRun(unwritten)).toMatchObject({ inDoubt: { records: 1, written: 0 }, ok: true });

    const half = base();
    half.inDoubt = unwritten.inDoubt;
    half.effects.payment.set('e-9', 1);
    const report = verifyRun(half);
    expect(report.inDoubt.written).toBe(1);
    expect(report.services.inventory.missing).toBe(1);
    expect(report.ok).toBe(false);
  });
});
