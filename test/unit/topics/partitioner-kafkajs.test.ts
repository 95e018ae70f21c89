// The one place src/topics meets kafkajs: its v2 DefaultPartitioner is the Java-compatible
// murmur2 partitioner, so the two must agree on every keyed record.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/topics/partitioner.js';
import { sampleKeys } from '../../../src/topics/remap-impact.js';
import { mulberry32 } from '../../../src/topics/seeded-random.js';

// ASCII plus 2-, 3- and 4-byte UTF-8 characters, so encoded lengths hit every tail case.
const ALPHABET = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:./ ', 'é', 'ß', 'Ж', '€', '注', '文', '🛒', '😀'];

function randomKeys(count: number, seed: number): (string | Buffer)[] {
  const next = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => {
    const length = next() % 41;
    if (i % 4 === 3) return Buffer.from(Array.from({ length }, () => next() & 0xff));
    return Array.from({ length }, () => ALPHABET[next() % ALPHABET.length]).join('');
  });
}

function partitionMetadata(count: number): PartitionMetadata[] {
  return Array.from({ length: count }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 0, replicas: [0], isr: [0] }));
}

describe('partitionForKey agrees with kafkajs Partitioners.DefaultPartitioner', () => {
  const keys = [...randomKeys(8_000, 42), ...sampleKeys(2_000, 7)];

  it.each([1, 3, 7, 12, 24, 100, 1000])('for 10,000 random keys over %i partitions', (count) => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const meta = partitionMetadata(count);
    const mismatches = keys.filter((key) => kafkajs({ topic: 'orders', partitionMetadata: meta, message: { key, value: null } }) !== partitionForKey(key, count));
    expect(keys).toHaveLength(10_000);
    expect(mismatches).toEqual([]);
  });
});
