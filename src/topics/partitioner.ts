/**
 * Kafka's default partitioning for keyed records, bit-for-bit: the Java client's
 * BuiltInPartitioner.partitionForKey = toPositive(murmur2(keyBytes)) % numPartitions.
 * Any tool that predicts where a key lands (remap impact, hot-key checks) must agree
 * with what producers actually do, so this mirrors Utils.murmur2 in 32-bit int arithmetic.
 */

const SEED = 0x9747b28c;
// 'm' and 'r' are murmur2's mixing constants.
const M = 0x5bd1e995;
const R = 24;

const utf8 = new TextEncoder();

/** Kafka's `Utils.murmur2`: a signed 32-bit hash of the first `length` bytes. */
export function murmur2(bytes: Uint8Array, length = bytes.length): number {
  let h = SEED ^ length;

  const blocks = length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const i4 = i * 4;
    // Little-endian word; the four bytes occupy disjoint bits, so | equals Java's +.
    let k = bytes[i4]! | (bytes[i4 + 1]! << 8) | (bytes[i4 + 2]! << 16) | (bytes[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }

  // The last 1-3 bytes; Java's switch falls through from case 3 to case 1.
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= bytes[tail + 2]! << 16;
  if (rest >= 2) h ^= bytes[tail + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ bytes[tail]!, M);

  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

// Producers hash every record's key: encode short keys into one reused buffer, not a new one each.
const scratch = new Uint8Array(256);

/** The non-negative hash the partition is taken modulo of; strings hash as UTF-8 like StringSerializer. */
export function keyHash(key: string | Uint8Array): number {
  if (typeof key !== 'string') return toPositive(murmur2(key));
  if (key.length * 3 <= scratch.length) return toPositive(murmur2(scratch, utf8.encodeInto(key, scratch).written));
  return toPositive(murmur2(utf8.encode(key)));
}

/** The partition the Java (and kafkajs v2 default) producer picks for a record with this key. */
export function partitionForKey(key: string | Uint8Array, numPartitions: number): number {
  assertPartitionCount(numPartitions);
  return keyHash(key) % numPartitions;
}

export function assertPartitionCount(numPartitions: number, label = 'numPartitions'): void {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`${label} must be a positive integer, got ${String(numPartitions)}`);
  }
}
