import { describe, expect, it } from 'vitest';
import type { RecordReader } from '../../../src/kafka/record-reader.js';
import { RecordCounter, countWithoutReading } from '../../../src/topics/record-count.js';

/** A partition whose every other offset is a transaction marker, readable up to `stable`. */
function fakeReader(stable: bigint) {
  const asked: Array<[number, bigint, bigint]> = [];
  const reader: RecordReader = {
    read: () => Promise.reject(new Error('not used')),
    count: async (_topic, partition, from, until) => {
      asked.push([partition, from, until]);
      const end = until < stable ? until : stable;
      let records = 0;
      for (let o = from; o < end; o++) if (o % 2n === 0n) records++;
      return { records, nextOffset: end };
    },
  };
  return { reader, asked, setStable: (s: bigint) => (stable = s) };
}

describe('RecordCounter', () => {
  it('counts records, not offsets, and leaves a topic over the limit uncounted without reading it', async () => {
    const { reader, asked } = fakeReader(1_000n);
    const counter = new RecordCounter(100);
    expect(await counter.count(reader, 't', [{ partition: 0, from: 0n, until: 40n }, { partition: 1, from: 10n, until: 10n }])).toEqual({
      records: 20,
      offsets: 40,
      partitions: [{ partition: 0, records: 20, offsets: 40 }, { partition: 1, records: 0, offsets: 0 }],
    });
    asked.length = 0;
    expect(await counter.count(reader, 'u', [{ partition: 0, from: 0n, until: 60n }, { partition: 1, from: 0n, until: 41n }])).toMatchObject({ records: null, offsets: 101, partitions: [{ records: null }, { records: null }] });
    expect(asked).toEqual([]);
  });

  it('kept across refreshes, reads only what was written since, and from an open transaction on', async () => {
    const { reader, asked, setStable } = fakeReader(30n);
    const counter = new RecordCounter();
    expect((await counter.count(reader, 't', [{ partition: 0, from: 0n, until: 40n }])).records).toBe(15);
    setStable(1_000n);
    expect((await counter.count(reader, 't', [{ partition: 0, from: 0n, until: 50n }])).records).toBe(25);
    expect(asked).toEqual([[0, 0n, 40n], [0, 30n, 50n]]);
    // Retention moved the log start: counted afresh.
    expect((await counter.count(reader, 't', [{ partition: 0, from: 20n, until: 50n }])).records).toBe(15);
    expect(asked.at(-1)).toEqual([0, 20n, 50n]);
  });

  it('knows without reading when the spans are empty, over the limit, or must not be read', () => {
    const empty = [{ partition: 0, from: 5n, until: 5n }];
    const some = [{ partition: 0, from: 0n, until: 10n }];
    expect(countWithoutReading(empty, null)).toMatchObject({ records: 0, offsets: 0 });
    expect(countWithoutReading(some, 10)).toBeNull();
    expect(countWithoutReading(some, 9)).toMatchObject({ records: null, offsets: 10 });
    expect(countWithoutReading(some, null)).toMatchObject({ records: null, offsets: 10, partitions: [{ records: null }] });
  });
});
