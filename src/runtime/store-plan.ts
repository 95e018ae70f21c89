import { SHARDS } from './store-layout.js';

/**
 * Redis memory for the runtime's state at a given order rate and dedup window (see
 * store-layout.ts): an order's marks and state live for one to two windows after its last
 * event, at the bytes per order measured by `npm run bench -- e2e` across the four services
 * while the state hashes are small enough for Redis' listpack encoding. Above the listpack
 * limit a hash is re-encoded as a hash table and an order costs about three times as much: the
 * plan sizes the buckets so that a generation's hashes stay under it.
 */
/**
 * Bytes per order across the four services, measured here by `npm run bench -- e2e --orders
 * 20000` on Redis 7.0 with its default listpack settings and the default 16 buckets: 181 B for
 * a second 20,000 orders (about 40 orders per hash), 268 B for the first 20,000 into an empty
 * store (about 20 per hash: each hash's own overhead weighs more). The plan sizes buckets for
 * some 96 orders per hash, where an order costs no more than the first.
 */
export const MEASURED_BYTES_PER_ORDER = 181;

export interface StorePlanInput {
  ordersPerSec: number;
  windowSec: number;
  /** Across the four services, measured (see MEASURED_BYTES_PER_ORDER). */
  bytesPerOrder: number;
  /** The server's hash-max-listpack-entries (Redis' default: 128). */
  listpackEntries: number;
  /** Redis nodes (masters) the shards spread over. */
  masters: number;
}

export interface StorePlan {
  ordersPerWindow: number;
  /** Orders held at most (two windows: a generation's hashes expire at the end of the next). */
  ordersHeld: number;
  buckets: number;
  entriesPerHash: number;
  memoryBytes: number;
  memoryBytesPerMaster: number;
  bytesPerOrder: number;
}

/** Fill hashes to at most this share of the listpack limit, so a busy hour does not tip them over. */
const LISTPACK_FILL = 0.75;

export function planStore(input: StorePlanInput): StorePlan {
  const ordersPerWindow = Math.ceil(input.ordersPerSec * input.windowSec);
  const ordersHeld = 2 * ordersPerWindow;
  const buckets = Math.max(1, Math.ceil(ordersPerWindow / (SHARDS * input.listpackEntries * LISTPACK_FILL)));
  const memoryBytes = Math.ceil(ordersHeld * input.bytesPerOrder);
  return {
    ordersPerWindow,
    ordersHeld,
    buckets,
    entriesPerHash: Math.ceil(ordersPerWindow / (SHARDS * buckets)),
    memoryBytes,
    memoryBytesPerMaster: Math.ceil(memoryBytes / Math.max(1, input.masters)),
    bytesPerOrder: input.bytesPerOrder,
  };
}
