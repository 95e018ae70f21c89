// Where src/topics meets kafkajs: its v2 DefaultPartitioner is the Java-compatible
// murmur2 partitioner, so the two must agree on every keyed record.
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { JavaCompatiblePartitioner } from '../../../src/kafka/java-partitioner.js';
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

describe("the producers' JavaCompatiblePartitioner agrees with kafkajs Partitioners.DefaultPartitioner", () => {
  const keys = [...randomKeys(8_000, 43), ...sampleKeys(2_000, 8)];

  it.each([1, 12, 100])('for 10,000 random keys over %i partitions, and keeps an explicit partition', (count) => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const ours = JavaCompatiblePartitioner();
    const meta = partitionMetadata(count);
    const mismatches = keys.filter((key) => kafkajs({ topic: 'orders', partitionMetadata: meta, message: { key, value: null } }) !== ours({ topic: 'orders', partitionMetadata: meta, message: { key, value: null } }));
    expect(mismatches).toEqual([]);
    expect(ours({ topic: 'orders', partitionMetadata: meta, message: { key: 'k', value: null, partition: count - 1 } })).toBe(count - 1);
  });

  it('spreads keyless records round robin over the partitions that have a leader', () => {
    const ours = JavaCompatiblePartitioner();
    const meta = partitionMetadata(4).map((p) => (p.partitionId === 2 ? { ...p, leader: -1 } : p));
    const picked = Array.from({ length: 6 }, () => ours({ topic: 'orders', partitionMetadata: meta, message: { value: null } }));
    expect(new Set(picked)).toEqual(new Set([0, 1, 3]));
    expect(picked.slice(0, 3)).toEqual(picked.slice(3));
  });

  it('pins its choice on the message: a retried send keeps a keyless record on its partition', () => {
    const ours = JavaCompatiblePartitioner();
    const meta = partitionMetadata(12);
    const message: { value: null; partition?: number } = { value: null };
    const first = ours({ topic: 'orders', partitionMetadata: meta, message });
    expect(message.partition).toBe(first);
    expect(Array.from({ length: 5 }, () => ours({ topic: 'orders', partitionMetadata: meta, message }))).toEqual(Array(5).fill(first));
  });
});
