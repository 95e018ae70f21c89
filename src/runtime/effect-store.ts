import type { StoreOp } from './types.js';

/**
 * One item of a batch commit. Every mode is applied atomically with its marks, so a crash
 * between doing the work and recording it can neither lose nor double an effect.
 * - apply:   if the event is new (dedup mark set now), run its ops and keep its outbox; if its
 *            key became blocked by another event meanwhile, apply nothing ('blocked'); if an
 *            order state it was computed from changed meanwhile, apply nothing ('conflict').
 * - forward: the event left for a retry topic or the DLQ: it becomes its key's blocking head.
 * - park:    the key was blocked when the batch was read: queue the event behind the head.
 */
export type CommitItem =
  | { mode: 'apply'; eventId: string; key: string; ops: StoreOp[]; outbox: string; guards: StateGuard[] }
  | { mode: 'forward'; eventId: string; key: string }
  | { mode: 'park'; eventId: string; key: string; record: string };

export type CommitResult =
  | { status: 'applied'; next?: ParkedRecord }
  | { status: 'duplicate'; outbox: string | null }
  | { status: 'parked' }
  | { status: 'forwarded' }
  /** A park request found its key no longer blocked: process the event now. */
  | { status: 'unblocked' }
  /** An apply found its key blocked by another event since the batch was read: park it. */
  | { status: 'blocked' }
  /** An order state the event was computed from was changed by another consumer: run it again. */
  | { status: 'conflict' };

/**
 * Optimistic concurrency for order state: the value (JSON text, '' for none) a handler read.
 * Two consumers of one service (e.g. its payments and orders partitions, or a retry stage)
 * may handle the same order at once; the second to commit sees the change and re-runs.
 */
export type StateGuard = [hashKey: string, field: string, expected: string];

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

export interface PreRead {
  /** Events already applied, with their stored outbox (re-emitted on replays). */
  done: Map<string, string | null>;
  orders: Map<string, Record<string, unknown>>;
  blockedBy: Map<string, string>;
}

export interface ServiceStats {
  processed: number;
  parked: number;
  blockedKeys: number;
}

/** The dedup + effects store of the runtime: Redis for real deployments, memory for one process. */
export interface EffectStore {
  readonly kind: 'redis' | 'memory';
  preRead(service: string, eventIds: string[], orderIds: string[], keys: string[]): Promise<PreRead>;
  /** One round trip for the whole batch (order states travel as HSET ops of their event). */
  commit(service: string, items: CommitItem[], ttlSec: number): Promise<CommitResult[]>;
  /** eventId -> times its effects were applied (verify: exactly 1 each). */
  effectCounts(service: string): Promise<Map<string, number>>;
  orderStates(service: string): Promise<Map<string, Record<string, unknown>>>;
  stats(service: string): Promise<ServiceStats>;
  close(): Promise<void>;
}

export function prefix(service: string): string {
  return `sf:${service}:`;
}
