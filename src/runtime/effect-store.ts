import type { StoreOp } from './types.js';

/**
 * One item of a batch commit. Every mode is applied atomically with its marks, so a crash
 * between doing the work and recording it can neither lose nor double an effect.
 * - apply:   if the event is new (its dedup mark, kept with its order, set now), write its order
 *            states, run its ops and keep its outbox until the Kafka commit; if its key became
 *            blocked by another event meanwhile, apply nothing ('blocked'); if an order state it
 *            was computed from is not as expected, apply nothing ('conflict').
 * - forward: the event left for a retry topic or the DLQ: it becomes its key's blocking head.
 * - park:    the key was blocked when the batch was read: queue the event behind the head.
 *
 * Everything an item touches lives with its record key (see store-layout.ts): an order's
 * events keep their key from service to service, so one item never spans two Redis slots.
 */
export type CommitItem =
  | {
      mode: 'apply';
      eventId: string;
      key: string;
      /** The order the event is about: its dedup mark is kept with this order's state. */
      orderId: string;
      ops: StoreOp[];
      /** Order states the handler wrote (JSON text). */
      states: Array<[orderId: string, state: string]>;
      guards: StateGuard[];
      /** The encoded outputs (outbox-codec.ts), re-emitted if the event comes again before its Kafka commit; empty for none. */
      outbox: Buffer;
      /** The generator run the event belongs to (its run_id header): counted for `verify`. */
      runId?: string;
      /**
       * The event is its key's blocking head (a failure coming back from a retry stage or a
       * redrive), as read before the batch: its commit releases the records parked behind it.
       * A head not known as one is sent back ('blocked') and read first.
       */
      head?: boolean;
    }
  | { mode: 'forward'; eventId: string; key: string }
  | { mode: 'park'; eventId: string; key: string; record: string };

export type CommitResult =
  | { status: 'applied'; next?: ParkedRecord }
  | { status: 'duplicate'; outbox: Buffer | null }
  | { status: 'parked' }
  | { status: 'forwarded' }
  /** A park request found its key no longer blocked: process the event now. */
  | { status: 'unblocked' }
  /** An apply found its key blocked by another event since the batch was read: park it. */
  | { status: 'blocked' }
  /** An order state the event was computed from was changed by another consumer: run it again. */
  | { status: 'conflict' };

/**
 * Optimistic concurrency for order state: the state (JSON text, '' for none) a handler read.
 * Two consumers of one service (e.g. its payments and orders partitions, or a retry stage)
 * may handle the same order at once; the second to commit sees the change and re-runs.
 */
export type StateGuard = [orderId: string, expected: string];

/** A record parked behind its key's head, serialized with what is needed to process it later. */
export interface ParkedRecord {
  id: string;
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
  key: string;
  value: string; // base64
  headers: Record<string, string>; // base64 values
}

/** What a batch asks of the store before it runs: its events, their orders and keys. */
export interface EventRef {
  /** Absent for an order a handler touched beyond its event's own. */
  eventId?: string;
  orderId: string;
  key: string;
}

export interface PreRead {
  /** Events already applied, with their outbox while it is kept (re-emitted on replays). */
  done: Map<string, Buffer | null>;
  orders: Map<string, Record<string, unknown>>;
  blockedBy: Map<string, string>;
}

export interface ServiceStats {
  processed: number;
  parked: number;
  blockedKeys: number;
}

export interface EffectCounts {
  get(eventId: string): number | undefined;
}

export interface CommitOptions {
  /** Dedup window: how long an order's marks and state are kept after its last event. */
  windowSec: number;
  /** How long a run's effect counts (for `verify`) are kept. */
  auditSec: number;
}

/** The dedup + effects store of the runtime: Redis (single or Cluster) for real deployments, memory for one process. */
export interface EffectStore {
  readonly kind: 'redis' | 'memory';
  preRead(service: string, refs: EventRef[], opts: CommitOptions): Promise<PreRead>;
  /** One round trip for the whole batch (a pipelined script call per slot on Redis). */
  commit(service: string, items: CommitItem[], opts: CommitOptions): Promise<CommitResult[]>;
  /** The batch's Kafka transaction committed: its outboxes are no longer needed. */
  release(service: string, events: Array<{ eventId: string; key: string }>, opts: CommitOptions): Promise<void>;
  /** Times each event's effects were applied, for one generator run (verify: exactly 1 each). */
  effectCounts(service: string, runId: string): Promise<EffectCounts>;
  orderStates(service: string, orders: Array<{ orderId: string; key: string }>, opts: CommitOptions): Promise<Map<string, Record<string, unknown>>>;
  stats(service: string): Promise<ServiceStats>;
  close(): Promise<void>;
}
