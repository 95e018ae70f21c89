/**
 * What adding partitions does to keyed traffic. Kafka places a key at hash % partitions,
 * so changing the count re-homes most keys: records for one order end up split across two
 * partitions and per-key order is no longer guaranteed across the change.
 */
import { assertPartitionCount, keyHash } from './partitioner.js';
import { mulberry32 } from './seeded-random.js';

export interface PartitionRemap {
  /** Partition under the old count. */
  partition: number;
  keys: number;
  stayed: number;
  moved: number;
}

export interface RemapImpact {
  from: number;
  to: number;
  keys: number;
  moved: number;
  /** moved / keys, 0..1 (0 for no keys). */
  movedShare: number;
  /** Share uniformly spread hashes would move; see expectedMovedShare. */
  expectedMovedShare: number;
  /** One entry per old partition, in partition order. */
  byPartition: PartitionRemap[];
}

/**
 * Counts keys whose partition changes from `from` to `to`. Keys are counted as given:
 * pass distinct keys for "share of keys", or keys of recorded traffic for "share of records".
 */
export function computeRemapImpact(keys: Iterable<string>, from: number, to: number): RemapImpact {
  assertPartitionCount(from, 'from');
  assertPartitionCount(to, 'to');
  const byPartition = Array.from({ length: from }, (_, partition) => ({ partition, keys: 0, stayed: 0, moved: 0 }));
  let total = 0;
  let moved = 0;
  for (const key of keys) {
    const hash = keyHash(key); // hashed once, taken modulo both counts
    const row = byPartition[hash % from]!;
    row.keys++;
    total++;
    if (hash % to === hash % from) {
      row.stayed++;
    } else {
      row.moved++;
      moved++;
    }
  }
  return { from, to, keys: total, moved, movedShare: total === 0 ? 0 : moved / total, expectedMovedShare: expectedMovedShare(from, to), byPartition };
}

/**
 * A hash h keeps its partition iff h % from === h % to, i.e. h ≡ r (mod lcm) for some
 * r < min(from, to): min/lcm of all hashes stay. For to = k·from that is 1/k, hence the
 * familiar "1 − 1/k move"; for a non-multiple (12 → 16) far more move than the ratio suggests.
 */
export function expectedMovedShare(from: number, to: number): number {
  assertPartitionCount(from, 'from');
  assertPartitionCount(to, 'to');
  return 1 - Math.min(from, to) / lcm(from, to);
}

/** n realistic order ids (UUID v4 strings), the same n for the same seed. */
export function sampleKeys(n: number, seed: number): string[] {
  const next = mulberry32(seed);
  const bytes = new Uint8Array(16);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 16; j += 4) {
      const word = next();
      bytes[j] = word >>> 24;
      bytes[j + 1] = word >>> 16;
      bytes[j + 2] = word >>> 8;
      bytes[j + 3] = word;
    }
    bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    ids.push(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
  }
  return ids;
}

const SAMPLE_SIZE = 10_000;
const SAMPLE_SEED = 1;

/**
 * Operator runbook for growing a keyed topic from `from` to `to` partitions without breaking
 * per-key order. The moved-keys figure is measured on `sample` (default: 10,000 synthetic
 * order ids) next to the expectation, so nobody quotes "1 − 1/k" for a count that is not a multiple;
 * `sampleLabel` names what `sample` is.
 */
export function safeGrowthProcedure(from: number, to: number, sample?: Iterable<string>, sampleLabel = 'given keys'): string[] {
  assertPartitionCount(from, 'from');
  assertPartitionCount(to, 'to');
  if (to <= from) {
    throw new RangeError(`cannot grow from ${from} to ${to} partitions: Kafka never reduces a partition count; to shrink, migrate to a new topic`);
  }
  const impact = computeRemapImpact(sample ?? sampleKeys(SAMPLE_SIZE, SAMPLE_SEED), from, to);
  const label = sample ? sampleLabel : 'synthetic order ids';
  const stayEvery = `${Math.min(from, to)} of every ${lcm(from, to)} hash values keep their partition`;
  const why = to % from === 0 ? `growing ×${to / from}: ${stayEvery}` : `${to} is not a multiple of ${from}: only ${stayEvery}`;
  const nearestMultiple = Math.ceil(to / from) * from;

  return [
    `Adding partitions is irreversible: Kafka cannot reduce ${to} back to ${from}.`,
    `Keys that change partition: ${pct(impact.expectedMovedShare)} expected (${why}); measured ${pct(impact.movedShare)} (${count(impact.moved)} of ${count(impact.keys)} ${label}).`,
    ...(nearestMultiple !== to ? [`A multiple of ${from} moves fewest keys: ${nearestMultiple} would move ${pct(expectedMovedShare(from, nearestMultiple))}.`] : []),
    'A moved key has older records in its old partition and newer ones in its new partition; consumers can process them out of order unless the old ones are consumed first.',
    'Option A, in place (needs a producer pause):',
    '  A1. Check each consumer group uses auto.offset.reset=earliest, or it skips records written to the new partitions before a rebalance assigns them.',
    '  A2. Stop every producer of the topic (or hold writes in the outbox).',
    '  A3. Wait until each consumer group shows lag 0 on every partition.',
    `  A4. streamflow topic add-partitions <topic> --to ${to} --execute (or kafka-topics.sh --alter --topic <topic> --partitions ${to})`,
    `  A5. Restart (not just resume) producers so none keeps hashing with ${from} partitions from cached metadata.`,
    'Option B, new topic (no pause; use it for compacted topics, whose old values would stay in the old partitions):',
    `  B1. Create <topic>.v2 with ${to} partitions and the same configs and replication.`,
    '  B2. Switch all producers to <topic>.v2 at once (a flag, not a rolling deploy): mid-rollout one key is written to both topics.',
    '  B3. Keep consumers on the old topic until it stops receiving writes and lag is 0 on every partition.',
    '  B4. Start the consumers on <topic>.v2 from the earliest offset, then delete the old topic after its retention period.',
  ];
}

function lcm(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return (a / x) * b;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

export interface RemapReport extends RemapImpact {
  /** What the keys were: "keys from FILE" or the synthetic sample. */
  sample: string;
  /** The safe growth procedure; null when `to` does not grow the topic. */
  procedure: string[] | null;
}

/** `topic remap-impact`: the impact on `keys` plus, for growth, the procedure to follow. */
export function remapReport(keys: string[], from: number, to: number, sample: string): RemapReport {
  return { ...computeRemapImpact(keys, from, to), sample, procedure: to > from ? safeGrowthProcedure(from, to, keys, sample) : null };
}
