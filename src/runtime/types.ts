export const SERVICES = ['payment', 'inventory', 'shipping', 'notification'] as const;
export type ServiceName = (typeof SERVICES)[number];

/** A decoded record as a service handler sees it. */
export interface InboundEvent {
  eventType: string;
  eventId: string;
  /** The decoded Avro value (records as objects, longs as numbers); handlers narrow it per event type. */
  value: { envelope: { event_id: string; correlation_id: string; occurred_at: number } } & Record<string, unknown>;
  key: string;
}

/**
 * A counter the service keeps (payments captured per currency, stock reserved per SKU...),
 * applied atomically with the event's dedup mark (see effect-store.ts). The store keeps one
 * share of each counter per slot of its keys; a total is the sum of the shares.
 */
export type StoreOp = ['HINCRBY', counter: string, field: string, by: number];

export interface OutboundEvent {
  topic: string;
  key: string;
  eventType: string;
  value: Record<string, unknown>;
}

/** What handling one event does: writes to the service's store and events to emit. */
export interface HandlerResult {
  ops: StoreOp[];
  outputs: OutboundEvent[];
}

/** Per-order state of one service, read once per batch and updated in memory as events apply. */
export interface OrderStates {
  get(orderId: string): Record<string, unknown> | undefined;
  set(orderId: string, state: Record<string, unknown>): void;
}

/** The outside world a service calls (the payment gateway, a carrier...), with injected faults. */
export interface Downstream {
  call(what: string): Promise<void>;
}

export interface ServiceHandler {
  service: ServiceName;
  /** Topics the service consumes. */
  topics: string[];
  /**
   * The event types it acts on, when its topics carry others too (shipping reads checkout.orders
   * for cancellations only): the others are decoded and validated, then acknowledged without a
   * handler call, a dedup mark or a store write. Absent: every type.
   */
  handles?: readonly string[];
  /** Frequent fragments of the service's order states as JSON, stored as one byte each (state-packing.ts). */
  stateTokens?: readonly string[];
  handle(event: InboundEvent, orders: OrderStates, downstream: Downstream, emit: Emitter): Promise<StoreOp[]>;
}

export type Emitter = (topic: string, eventType: string, causedBy: InboundEvent, fields: Record<string, unknown>) => void;

/** Non-retryable: the record itself is wrong (cannot decode, fails validation). Straight to the DLQ. */
export class NonRetryableError extends Error {}

export class ValidationError extends NonRetryableError {
  override name = 'ValidationError';
}

/** Retryable: something outside the record failed (a timeout, a 503 from the gateway). */
export class TransientError extends Error {
  override name = 'TransientDownstreamError';
}
