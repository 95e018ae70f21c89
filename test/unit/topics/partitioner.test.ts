import { describe, expect, it } from 'vitest';
import { keyHash, murmur2, partitionForKey, toPositive } from '../../../src/topics/partitioner.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('murmur2', () => {
  // apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('matches Kafka UtilsTest for %j', (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected);
  });

  // confluentinc/librdkafka src/rdmurmur2.c, unittest_murmur2 ("java_murmur2_results"):
  // covers every tail length (0-3 trailing bytes) and the empty key.
  it.each([
    ['kafka', 0xd067cf64],
    ['giberish123456789', 0x8f552b0c],
    ['1234', 0x9fc97b14],
    ['234', 0xe7c009ca],
    ['34', 0x873930da],
    ['4', 0x5a4b5ca1],
    ['PreAmbleWillBeRemoved,ThePrePartThatIs', 0x78424f1c],
    ['reAmbleWillBeRemoved,ThePrePartThatIs', 0x4a62b377],
    ['eAmbleWillBeRemoved,ThePrePartThatIs', 0xe0e4e09e],
    ['AmbleWillBeRemoved,ThePrePartThatIs', 0x62b8b43f],
    ['', 0x106e08d9],
  ])('matches librdkafka Java vector for %j', (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected | 0);
  });

  it('returns a signed 32-bit integer', () => {
    const h = murmur2(bytes('a-little-bit-longer-string'));
    expect(h).toBe(h | 0);
    expect(h).toBeLessThan(0);
  });
});

describe('toPositive', () => {
  it('clears the sign bit like Utils.toPositive, unlike Math.abs', () => {
    expect(toPositive(5)).toBe(5);
    expect(toPositive(0)).toBe(0);
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(-973932308)).toBe(-973932308 & 0x7fffffff);
  });
});

describe('partitionForKey', () => {
  it('is toPositive(murmur2) % numPartitions', () => {
    expect(partitionForKey('foobar', 12)).toBe(toPositive(-790332482) % 12);
    expect(partitionForKey('21', 7)).toBe(toPositive(-973932308) % 7);
  });

  it('hashes strings as UTF-8, the same as their encoded bytes', () => {
    for (const key of ['order-1', 'größe', '注文', '🛒 checkout', '']) {
      expect(partitionForKey(key, 24)).toBe(partitionForKey(Buffer.from(key, 'utf8'), 24));
    }
  });

  it('puts every key in partition 0 of a one-partition topic', () => {
    expect(partitionForKey('anything', 1)).toBe(0);
  });

  it('stays within [0, numPartitions)', () => {
    for (let i = 0; i < 1000; i++) {
      const p = partitionForKey(`order-${i}`, 13);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(13);
    }
  });

  it.each([0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects numPartitions %s with a RangeError', (n) => {
    expect(() => partitionForKey('k', n)).toThrow(RangeError);
    expect(() => partitionForKey('k', n)).toThrow(/numPartitions must be a positive integer/);
  });

  it('keyHash is the non-negative hash behind every partition count', () => {
    const h = keyHash('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8');
    expect(h).toBe(toPositive(-58897971));
    expect(partitionForKey('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', 100)).toBe(h % 100);
  });
});
