import { describe, expect, it } from 'vitest';
import { decodeOffsetCommit, offsetsPartitionFor } from '../../../src/kafka/offset-commit-records.js';

const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(n); return b; };
const str = (s: string) => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]);
const compact = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);
const key = (version: number) => Buffer.concat([i16(version), str('payment-service'), str('checkout.orders'), i32(7)]);

describe('decodeOffsetCommit (the layouts of Kafka\'s OffsetCommitKey/OffsetCommitValue)', () => {
  const id = { group: 'payment-service', topic: 'checkout.orders', partition: 7 };
  it.each([
    ['v0', Buffer.concat([i16(0), i64(42n), str('m'), i64(1_700_000_000_000n)])],
    ['v1 (with an expire timestamp)', Buffer.concat([i16(1), i64(42n), str('m'), i64(1_700_000_000_000n), i64(-1n)])],
    ['v2', Buffer.concat([i16(2), i64(42n), str(''), i64(1_700_000_000_000n)])],
    ['v3 (with a leader epoch)', Buffer.concat([i16(3), i64(42n), i32(5), str('meta'), i64(1_700_000_000_000n)])],
    ['v4 (flexible: compact metadata, tagged fields)', Buffer.concat([i16(4), i64(42n), i32(5), compact('meta'), i64(1_700_000_000_000n), Buffer.from([0])])],
  ])('reads a %s value', (_, value) => {
    expect(decodeOffsetCommit(key(1), value)).toEqual({ ...id, offset: 42n, commitTimestamp: 1_700_000_000_000 });
  });

  it('reads a tombstone as a deleted offset, and skips other coordinator records', () => {
    expect(decodeOffsetCommit(key(0), null)).toEqual({ ...id, offset: null, commitTimestamp: null });
    expect(decodeOffsetCommit(Buffer.concat([i16(2), str('payment-service')]), Buffer.alloc(10))).toBeNull();
  });

  it('refuses a value version it does not know, by name', () => {
    expect(() => decodeOffsetCommit(key(1), Buffer.concat([i16(9), i64(1n)]))).toThrow(/version 9/);
  });
});

describe('offsetsPartitionFor', () => {
  it("is Kafka's Utils.abs(String.hashCode) % partitions (figures from java, non-ASCII and a surrogate pair included)", () => {
    expect(offsetsPartitionFor('payment-service', 50)).toBe(32); // hashCode -2059569682: a true abs, not & 0x7fffffff (16)
    expect(offsetsPartitionFor('v-stalled-mx5skz5z-9686ef', 50)).toBe(3); // -12260153: where the broker wrote its commits
    expect(offsetsPartitionFor('notification-service', 50)).toBe(39); // 941430739
    expect(offsetsPartitionFor('grüße-🛒', 50)).toBe(37); // 347391787
  });
});
