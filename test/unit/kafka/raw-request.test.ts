import { describe, expect, it } from 'vitest';
import type { RawCluster } from '../../../src/kafka/kafkajs-cluster.js';
import { Reader, Writer, compactStringSize, partitionsByLeader, stringSize, uvarintSize } from '../../../src/kafka/raw-request.js';

describe('raw requests', () => {
  it('writes and reads back the protocol types, big-endian', () => {
    const body = new Writer(4 + 1 + 8 + stringSize('tōpic')).int32(-1).int8(1).int64(-2n).string('tōpic').done();
    expect(body.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xff, 0xff, 0xff]));
    const r = new Reader(body);
    expect([r.int32(), r.int8(), r.int64(), r.string()]).toEqual([-1, 1, -2n, 'tōpic']);
  });

  it('refuses a body that is not the size it was given', () => {
    expect(() => new Writer(8).int32(1).done()).toThrow(/4 bytes, sized for 8/);
  });

  it('writes unsigned varints in the size it says, as Kafka does (0x80 is 80 01), and reads them back', () => {
    const values = [0, 127, 128, 300, 16_383, 16_384, 2 ** 21, 2 ** 28, 2 ** 31 - 1];
    const w = new Writer(values.reduce((n, v) => n + uvarintSize(v), 0));
    for (const v of values) w.uvarint(v);
    const body = w.done();
    expect(body.subarray(1, 4)).toEqual(Buffer.from([0x7f, 0x80, 0x01]));
    const r = new Reader(body);
    expect(values.map(() => r.uvarint())).toEqual(values);
  });

  it('writes compact strings and counts, and reads compact arrays and strings past tagged fields', () => {
    const body = new Writer(compactStringSize('tōpic') + 1 + 1 + 1).compactString('tōpic').compactCount(null).compactCount(2).noTags().done();
    expect(body[0]).toBe(Buffer.byteLength('tōpic') + 1);
    expect([...body.subarray(-3)]).toEqual([0, 3, 0]);
    // A compact array of two items, each a compact string and a tag buffer holding one field (tag 5, 2 bytes).
    const answer = Buffer.from([3, 2, 0x61, 1, 5, 2, 0xff, 0xff, 0, 0, 0]);
    const r = new Reader(answer);
    expect(
      r.compactArray((x) => {
        const s = x.compactNullableString();
        x.tags();
        return s;
      }),
    ).toEqual(['a', null]);
    expect(r.compactArray((x) => x.int8())).toEqual([]);
  });

  it('reads INT32-counted arrays, a null one as empty', () => {
    const buf = Buffer.alloc(4 + 4 + 2 * 2 + 4);
    buf.writeInt32BE(2, 0);
    buf.writeInt32BE(4, 4);
    buf.writeInt16BE(7, 8);
    buf.writeInt16BE(-3, 10);
    buf.writeInt32BE(-1, 12);
    const r = new Reader(buf);
    expect(r.array((x) => x.int32())).toEqual([4, (7 << 16) | 0xfffd]);
    expect(r.array((x) => x.int8())).toEqual([]);
  });

  it('groups partitions by leader from metadata, leaving out unknown ones and setting leaderless ones aside', () => {
    const meta: Record<string, Array<{ partitionId: number; leader: number }>> = {
      a: [
        { partitionId: 0, leader: 1 },
        { partitionId: 1, leader: 2 },
        { partitionId: 2, leader: -1 },
      ],
      b: [{ partitionId: 0, leader: 1 }],
    };
    const cluster = { findTopicPartitionMetadata: (t: string) => meta[t] ?? [] } as unknown as RawCluster;
    const leaderless: Array<{ topic: string; partition: number }> = [];
    const out = partitionsByLeader(
      cluster,
      new Map([
        ['a', [0, 1, 2, 9]],
        ['b', [0]],
      ]),
      leaderless,
    );
    expect(out).toEqual(
      new Map([
        [
          '1',
          new Map([
            ['a', [0]],
            ['b', [0]],
          ]),
        ],
        ['2', new Map([['a', [1]]])],
      ]),
    );
    expect(leaderless).toEqual([{ topic: 'a', partition: 2 }]);
  });
});
