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
 *   are deleted once the Kafka transaction committed; they are kept by generation like order
 *   state, which only matters for a crash between the two commits.
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
  return compact(orderId, FIELD_CHARS);
}

/** The width of an order's or event's field (72 bits in base64url). */
export const FIELD_CHARS = 12;

/** An event's dedup mark among its order's: 48 bits of its id, 8 characters. */
export function eventMark(eventId: string): string {
  return compact(eventId, 8);
}

/** Two base64url characters for each 12 bits (three hex digits). */
const PAIRS = Array.from({ length: 4096 }, (_, v) => Buffer.from([v >> 4, (v & 15) << 4]).toString('base64url').slice(0, 2));
const HEX = new Int8Array(128).fill(-1);
for (const [i, c] of [...'0123456789abcdef'].entries()) HEX[c.charCodeAt(0)] = HEX[c.toUpperCase().charCodeAt(0)] = i;
/** Where a UUID's last 18 hex digits after the version digit are (time_hi less one, clock_seq, node). */
const RANDOM_DIGITS = [16, 17, 19, 20, 21, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];

function compact(id: string, chars: number): string {
  const digits = uuidRandomDigits(id);
  if (digits) {
    // The 18 hex digits are 72 bits, 12 base64 characters; random in v4 and v5 UUIDs but for
    // the variant's two bits. A mark (8 characters) is the last 48 bits: the node group's.
    let out = '';
    for (let t = 18 - (chars / 2) * 3; t < 18; t += 3) out += PAIRS[(digits[t]! << 8) | (digits[t + 1]! << 4) | digits[t + 2]!];
    return out;
  }
  return crypto.createHash('md5').update(id).digest('base64url').slice(-chars);
}

/** The hex values of a UUID's random digits (see RANDOM_DIGITS), or null if `id` is no UUID. */
function uuidRandomDigits(id: string): number[] | null {
  if (id.length !== 36 || id[8] !== '-' || id[13] !== '-' || id[18] !== '-' || id[23] !== '-') return null;
  for (let i = 0; i < 36; i++) if (i !== 8 && i !== 13 && i !== 18 && i !== 23 && !(HEX[id.charCodeAt(i)]! >= 0)) return null;
  const out: number[] = [];
  for (const i of RANDOM_DIGITS) out.push(HEX[id.charCodeAt(i)]!);
  return out;
}

export function bucketOf(field: string, layout: StoreLayout): number {
  return fnv1a(field) % layout.buckets;
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
  /** The outboxes of a generation's events, by the event's field, until their Kafka commit. */
  outbox: (base: string, generation: number) => `${base}ob:${generation}`,
  parked: (base: string, key: string) => `${base}pk:${key}`,
  parkMark: (base: string, eventId: string) => `${base}pm:${eventId}`,
  /** Keys waiting behind an unresolved failure, by generation like order state: a key stays blocked for at least one window. */
  blocked: (base: string, generation: number) => `${base}blocked:${generation}`,
  stats: (base: string) => `${base}stats`,
  counter: (base: string, name: string) => `${base}c:${name}`,
  /** A generator run's applied events (for `verify`): their fields appended, one per application. */
  audit: (base: string, runId: string) => `${base}audit:${runId}`,
};

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
