import crypto from 'node:crypto';

/**
 * Where the runtime's state lives in Redis, sized for the seed's surge and for Redis Cluster.
 *
 * - Slots: a record key belongs to one of SHARDS shards per service, and every key of a shard
 *   carries the hash tag `{<service>:<shard>}`, so one script call (one shard) never spans two
 *   cluster slots. An order's events keep their record key from service to service, so its
 *   state, marks, parked records and outbox are all in its key's shard.
 * - Bounded memory: an order's dedup marks (8 characters per event) and its state share one
 *   field of a small hash, `s:<generation>:<bucket>`. A generation lasts one dedup window and
 *   its hashes expire at the end of the next one: readers look in the current and the previous
 *   generation, writers write to the current one, so an order is kept for at least one window
 *   after its last event and at most two. Small hashes stay in Redis' compact listpack encoding
 *   (some 40 to 60 bytes per order and service instead of a key's 150 or more): size the
 *   buckets for the rate and window with `streamflow runtime plan`.
 * - Outboxes (an event's encoded outputs, re-emitted if it comes again before its Kafka commit)
 *   are deleted once the Kafka transaction committed; their TTL only covers a crash between.
 */
export const SHARDS = 64;
/** The dedup window when a service recorded none (consume's --dedup-ttl default). */
export const DEFAULT_WINDOW_SEC = 7 * 86_400;
/**
 * Few hashes by default: a hash costs some 100 bytes of its own, which a small store (a demo,
 * a test, the first 20,000 orders) would otherwise pay per order. 16 per shard keep up to
 * 131,072 orders per window (64 x 16 x 128) in listpack hashes; past that, `runtime plan`
 * gives the buckets for the rate.
 */
export const DEFAULT_BUCKETS = 16;

export interface StoreLayout {
  /** Hashes per shard and generation for order state (see `runtime plan`). */
  buckets: number;
}

export function shardOf(key: string): number {
  return fnv1a(key) % SHARDS;
}

/** `scope`: the service, or its namespaced name (see storeScope). */
export function shardBase(scope: string, shard: number): string {
  return `sf:{${scope}:${shard}}:`;
}

/**
 * Whose keys: the service's own (`sf:{payment:7}:...`, the default), or a copy of its state in a
 * store namespace (`consume --store-namespace soak1` -> `sf:{soak1.payment:7}:...`), e.g. for a
 * soak run with a dedup window of its own beside a deployment's (the window is recorded per
 * service and namespace). Service names have no dot, so a namespace never meets default keys.
 */
export function storeScope(service: string, namespace?: string): string {
  return namespace ? `${namespace}.${service}` : service;
}

/**
 * The field of an order in its state hash: 72 bits of its id, 12 characters. A UUID's own
 * random bits are used as they are (the generator's and most systems' ids); any other id is
 * digested first.
 */
export function orderField(orderId: string): string {
  return compact(orderId, 12);
}

/** An event's dedup mark among its order's: 48 bits of its id, 8 characters. */
export function eventMark(eventId: string): string {
  return compact(eventId, 8);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function compact(id: string, chars: number): string {
  if (id.length === 36 && UUID.test(id)) {
    // 18 hex digits after the version digit (time_hi, clock_seq, node): random in v4 and v5
    // UUIDs but for the variant's two bits. 9 bytes are 12 base64 characters.
    // A mark (8 characters) is the last 6 bytes: the node group's 48 random bits.
    return Buffer.from((id.slice(15, 18) + id.slice(19, 23) + id.slice(24)).slice(-18), 'hex').toString('base64url').slice(-chars);
  }
  return crypto.createHash('md5').update(id).digest('base64url').slice(-chars);
}

export function bucketOf(field: string, layout: StoreLayout): number {
  return fnv1a(field) % layout.buckets;
}

/**
 * A run's effect counts (for `verify`) per shard in this many small hashes, by the event's
 * field: they stay listpack-encoded up to some 130,000 events per service and run.
 */
export const AUDIT_BUCKETS = 16;

export function auditBucketOf(field: string): number {
  return fnv1a(field) % AUDIT_BUCKETS;
}

export function generationOf(nowMs: number, windowSec: number): number {
  return Math.floor(nowMs / 1000 / windowSec);
}

/** A generation's hashes expire at the end of the next generation (plus a minute of clock skew). */
export function generationExpiresAt(generation: number, windowSec: number): number {
  return (generation + 2) * windowSec + 60;
}

export const keyNames = {
  state: (base: string, generation: number, bucket: number) => `${base}s:${generation}:${bucket}`,
  outbox: (base: string, eventId: string) => `${base}ob:${eventId}`,
  parked: (base: string, key: string) => `${base}pk:${key}`,
  parkMark: (base: string, eventId: string) => `${base}pm:${eventId}`,
  /** Keys waiting behind an unresolved failure, by generation like order state: a key stays blocked for at least one window. */
  blocked: (base: string, generation: number) => `${base}blocked:${generation}`,
  stats: (base: string) => `${base}stats`,
  counter: (base: string, name: string) => `${base}c:${name}`,
  audit: (base: string, runId: string, bucket: number) => `${base}audit:${runId}:${bucket}`,
};

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
