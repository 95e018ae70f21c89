import type { PoisonEntry, ValidEntry } from '../generator/run-manifest.js';
import { derivedEventId, isDeclined } from './derived-ids.js';
import type { EffectCounts } from './effect-store.js';
import type { ServiceName } from './types.js';

export interface ServiceVerdict {
  processedOnce: number;
  missing: number;
  duplicated: number;
}

export interface DlqEntry {
  service: ServiceName;
  eventId: string | undefined;
  errorClass: string | undefined;
}

export interface VerifyInput {
  runId: string;
  valid: ValidEntry[];
  poison: PoisonEntry[];
  /** Lines of sends that failed (resolveInDoubt): each was written or not, the effects tell which. */
  inDoubt?: { valid: ValidEntry[]; poison: PoisonEntry[] };
  effects: Record<ServiceName, EffectCounts>;
  orders: Record<ServiceName, Map<string, Record<string, unknown>>>;
  /** Dead letters of this run (records carrying its run_id header) in every service DLQ. */
  dlq: DlqEntry[];
  /**
   * The run began at least one dedup window ago: an order's state is kept only one to two
   * windows after its last event (store-layout.ts), so early orders may have none left. Such
   * orders are counted as expired instead of inconsistent (their effects are still checked).
   */
  statesMayHaveExpired?: boolean;
}

export interface VerifyReport {
  runId: string;
  expected: number;
  /** Records of failed sends: how many, and how many Kafka turned out to hold (verified like the rest). */
  inDoubt: { records: number; written: number };
  services: Record<ServiceName, ServiceVerdict & { examples: string[] }>;
  /** repaired: poison records a `dlq edit` corrected and the payment service then applied (once). */
  dlq: { poisonExpected: number; poisonFound: number; unexpected: number; unexpectedExamples: string[]; repaired: number };
  /** expired: orders some service no longer holds a state for (only in a run older than the dedup window); not checked. */
  saga: { orders: number; completed: number; compensated: number; cancelled: number; inconsistent: number; expired: number; examples: string[] };
  ok: boolean;
}

/**
 * Prove a run: every event each service had to handle was applied exactly once, every poison
 * record reached every service's DLQ with its reason and nothing else did, and every order
 * ended completed, compensated (payment declined) or cancelled, consistently across services.
 * The events the services emit are predicted from the manifest (their ids are derived).
 *
 * In a run longer than the dedup window the states of its early orders have expired (that is
 * what bounds the store): their sagas cannot be checked and are counted as expired; whether
 * shipping scheduled such an order is unknown, so its shipment may have reached notification
 * once or not at all, never twice. Every other check covers the whole run.
 */
export function verifyRun(given: VerifyInput): VerifyReport {
  const { input, inDoubt } = resolveInDoubt(given);
  const created = input.valid.filter((v) => v.eventType === 'OrderCreated');
  const cancelledOrders = new Set(input.valid.filter((v) => v.eventType === 'OrderCancelled').map((v) => v.orderId));
  const declined = created.filter((c) => isDeclined(c.orderId));
  const authorized = created.filter((c) => !isDeclined(c.orderId));

  // What flows on checkout.orders: the generator's events plus payment's OrderCancelled(PAYMENT_FAILED).
  const paymentCancels = declined.map((c) => derivedEventId('payment', c.eventId, 'OrderCancelled'));
  const ordersTopic = [...new Set(input.valid.map((v) => v.eventId)), ...paymentCancels];
  // Shipping and notification act on cancellations only there (ServiceHandler.handles): OrderCreated is not applied.
  const cancellations = [...new Set(input.valid.filter((v) => v.eventType === 'OrderCancelled').map((v) => v.eventId)), ...paymentCancels];
  // Shipping acts on PaymentAuthorized only (not PaymentFailed).
  const paymentsAuthorized = authorized.map((c) => derivedEventId('payment', c.eventId, 'PaymentAuthorized'));
  const shipmentOf = (c: ValidEntry) => derivedEventId('shipping', derivedEventId('payment', c.eventId, 'PaymentAuthorized'), 'ShipmentScheduled');
  const shipped = authorized.filter((c) => {
    const s = input.orders.shipping.get(c.orderId);
    return s?.status === 'SCHEDULED' || s?.wasScheduled === true;
  });
  const shipmentsTopic = shipped.map(shipmentOf);
  // Orders whose shipping state expired: at most once, since whether they shipped is unknown.
  const maybeShipped = input.statesMayHaveExpired ? authorized.filter((c) => !input.orders.shipping.has(c.orderId)).map(shipmentOf) : [];
  const expected: Record<ServiceName, string[]> = {
    payment: ordersTopic,
    inventory: ordersTopic,
    shipping: [...cancellations, ...paymentsAuthorized],
    notification: [...cancellations, ...shipmentsTopic],
  };

  const services = {} as VerifyReport['services'];
  for (const service of Object.keys(expected) as ServiceName[]) {
    const v = { processedOnce: 0, missing: 0, duplicated: 0, examples: [] as string[] };
    for (const id of expected[service]) {
      const n = input.effects[service].get(id) ?? 0;
      if (n === 1) v.processedOnce++;
      else {
        if (n === 0) v.missing++;
        else v.duplicated++;
        if (v.examples.length < 5) v.examples.push(`${id} applied ${n}x`);
      }
    }
    if (service === 'notification') {
      for (const id of maybeShipped) {
        const n = input.effects[service].get(id) ?? 0;
        if (n <= 1) continue;
        v.duplicated++;
        if (v.examples.length < 5) v.examples.push(`${id} applied ${n}x`);
      }
    }
    services[service] = v;
  }

  const poisonIds = new Set(input.poison.map((p) => p.eventId));
  const found = new Map<string, Set<ServiceName>>();
  const unexpectedExamples: string[] = [];
  let unexpected = 0;
  for (const d of input.dlq) {
    if (d.eventId && poisonIds.has(d.eventId)) found.set(d.eventId, (found.get(d.eventId) ?? new Set()).add(d.service));
    else {
      unexpected++;
      if (unexpectedExamples.length < 5) unexpectedExamples.push(`${d.service}: ${d.eventId ?? '(no event id)'} ${d.errorClass ?? ''}`.trim());
    }
  }
  // A poison record corrected by `dlq edit` comes back with its event id: applied once, like any event.
  let repaired = 0;
  for (const p of input.poison) {
    const n = input.effects.payment.get(p.eventId) ?? 0;
    if (n === 1) repaired++;
    else if (n > 1) {
      services.payment.duplicated++;
      if (services.payment.examples.length < 5) services.payment.examples.push(`${p.eventId} (repaired poison) applied ${n}x`);
    }
  }
  const allServices = Object.keys(expected).length;
  const poisonFound = [...found.values()].filter((s) => s.size === allServices).length;

  const saga = { orders: created.length, completed: 0, compensated: 0, cancelled: 0, inconsistent: 0, expired: 0, examples: [] as string[] };
  for (const c of created) {
    const pay = input.orders.payment.get(c.orderId)?.status;
    const inv = input.orders.inventory.get(c.orderId)?.status;
    const ship = input.orders.shipping.get(c.orderId)?.status;
    if (input.statesMayHaveExpired && (pay === undefined || inv === undefined || ship === undefined)) {
      saga.expired++;
      continue;
    }
    let ok: boolean;
    if (isDeclined(c.orderId)) {
      ok = pay === 'FAILED' && inv === 'RELEASED' && ship === 'CANCELLED';
      if (ok) saga.compensated++;
    } else if (cancelledOrders.has(c.orderId)) {
      ok = pay === 'REFUNDED' && inv === 'RELEASED' && ship === 'CANCELLED';
      if (ok) saga.cancelled++;
    } else {
      ok = pay === 'AUTHORIZED' && inv === 'RESERVED' && ship === 'SCHEDULED';
      if (ok) saga.completed++;
    }
    if (!ok) {
      saga.inconsistent++;
      if (saga.examples.length < 5) saga.examples.push(`${c.orderId}: payment ${pay ?? '-'}, inventory ${inv ?? '-'}, shipping ${ship ?? '-'}`);
    }
  }

  const dlq = { poisonExpected: input.poison.length, poisonFound, unexpected, unexpectedExamples, repaired };
  const ok =
    Object.values(services).every((s) => s.missing === 0 && s.duplicated === 0) && poisonFound === input.poison.length && unexpected === 0 && saga.inconsistent === 0;
  return { runId: input.runId, expected: expected.payment.length, inDoubt, services, dlq, saga, ok };
}

/**
 * A failed send's records may be in Kafka (the broker wrote them, its answer was lost). One
 * that any service applied, or that reached any DLQ, was written: from then on it is checked
 * like the acknowledged ones (every service, exactly once). One that left no trace anywhere is
 * taken as not written; a record lost by every service alike would hide there, which is why
 * the report counts them.
 */
function resolveInDoubt(input: VerifyInput): { input: VerifyInput; inDoubt: VerifyReport['inDoubt'] } {
  const valid = input.inDoubt?.valid ?? [];
  const poison = input.inDoubt?.poison ?? [];
  const applied = (id: string) => Object.values(input.effects).some((e) => (e.get(id) ?? 0) > 0);
  const deadLettered = new Set(input.dlq.map((d) => d.eventId));
  const writtenValid = valid.filter((v) => applied(v.eventId));
  const writtenPoison = poison.filter((p) => deadLettered.has(p.eventId) || applied(p.eventId));
  return {
    input: { ...input, valid: [...input.valid, ...writtenValid], poison: [...input.poison, ...writtenPoison] },
    inDoubt: { records: valid.length + poison.length, written: writtenValid.length + writtenPoison.length },
  };
}
