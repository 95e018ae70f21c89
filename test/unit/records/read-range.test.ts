import { describe, expect, it } from 'vitest';
import { StreamflowError } from '../../../src/errors.js';
import { parseEnd, parseStart, planReadRanges } from '../../../src/records/read-range.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);

describe('--from and --until', () => {
  it('reads the positions kcat and rpk users type', () => {
    expect(parseStart('earliest', NOW)).toEqual({ kind: 'earliest' });
    expect(parseStart('beginning', NOW)).toEqual({ kind: 'earliest' });
    expect(parseStart('latest', NOW)).toEqual({ kind: 'latest' });
    expect(parseStart('42', NOW)).toEqual({ kind: 'offset', offset: 42n });
    expect(parseStart('-10', NOW)).toEqual({ kind: 'last', count: 10n });
    expect(parseStart('0:42,3:7', NOW)).toEqual({ kind: 'offsets', byPartition: new Map([[0, 42n], [3, 7n]]) });
    expect(parseStart('30m ago', NOW)).toMatchObject({ kind: 'time', timestampMs: NOW - 30 * 60_000 });
    expect(parseStart('-2h', NOW)).toMatchObject({ kind: 'time', timestampMs: NOW - 2 * 3_600_000 });
    expect(parseStart('@1764583200000', NOW)).toMatchObject({ kind: 'time', timestampMs: 1764583200000 });
    expect(parseStart('2026-12-01T10:00:00Z', NOW)).toMatchObject({ kind: 'time', timestampMs: Date.UTC(2026, 11, 1, 10) });
    expect(parseEnd('end', NOW)).toEqual({ kind: 'end' });
    expect(parseEnd('10m ago', NOW)).toMatchObject({ kind: 'time', timestampMs: NOW - 600_000 });
  });

  it('names the flag and the forms it takes when a position is not one', () => {
    for (const bad of ['yesterday', '1:2:3', '0:1,0:2', '5 parsecs ago']) {
      const err = (() => {
        try {
          parseStart(bad, NOW);
        } catch (e) {
          return e as StreamflowError;
        }
      })();
      expect(err?.exitCode, bad).toBe(2);
      expect(err?.message).toContain('--from');
    }
    expect(() => parseEnd('tomorrow', NOW)).toThrow(/--until "tomorrow" is not a position/);
  });
});

describe('planReadRanges', () => {
  const partitions = [
    { partition: 0, start: 0n, end: 100n },
    { partition: 1, start: 40n, end: 60n },
  ];
  const plan = (over: Partial<Parameters<typeof planReadRanges>[0]>) => planReadRanges({ topic: 't', partitions, start: { kind: 'earliest' }, end: null, follow: false, ...over });

  it('reads from the log start to the end offsets as of the start (kcat -e) by default', () => {
    expect(plan({})).toEqual([
      { partition: 0, from: 0n, until: 100n },
      { partition: 1, from: 40n, until: 60n },
    ]);
  });

  it('follows past the end unless an end is given', () => {
    expect(plan({ start: { kind: 'latest' }, follow: true }).map((r) => r.until)).toEqual([null, null]);
    expect(plan({ follow: true, end: { kind: 'offset', offset: 50n } }).map((r) => r.until)).toEqual([50n, 50n]);
  });

  it('starts the last N records of each partition where the walk back found them', () => {
    expect(plan({ start: { kind: 'last', count: 30n }, lastStarts: new Map([[0, 55n], [1, 40n]]) }).map((r) => r.from)).toEqual([55n, 40n]);
    expect(() => plan({ start: { kind: 'last', count: 30n } })).toThrow(/no start found for the last 30 records of t-0/);
  });

  it('refuses an offset outside a partition, naming the range', () => {
    expect(() => plan({ start: { kind: 'offset', offset: 20n } })).toThrow(/offset 20 is out of range for t-1: its records span offsets 40 to 60/);
    expect(() => plan({ start: { kind: 'offsets', byPartition: new Map([[2, 0n]]) } })).toThrow(/t has no partition 2/);
  });

  it('reads a time window with the offsets ListOffsets gave', () => {
    const ranges = plan({
      start: { kind: 'time', timestampMs: 1000, text: '@1000' },
      end: { kind: 'time', timestampMs: 2000, text: '@2000' },
      startTimes: new Map([[0, 10n], [1, null]]),
      endTimes: new Map([[0, 20n], [1, null]]),
    });
    expect(ranges).toEqual([
      { partition: 0, from: 10n, until: 20n },
      { partition: 1, from: 60n, until: 60n },
    ]);
  });

  it('refuses a start time before what retention left, since part of the window is gone', () => {
    expect(() =>
      plan({ start: { kind: 'time', timestampMs: 1000, text: '1h ago' }, startTimes: new Map([[0, 0n], [1, 40n]]), firstTimestamps: new Map([[1, 5000]]) }),
    ).toThrow(/1h ago is before the log start of t-1: its oldest record is from 1970-01-01T00:00:05.000Z \(offset 40\)/);
  });

  it('waits for an end time a follow has not reached yet', () => {
    const [r] = plan({ partitions: [partitions[0]!], follow: true, end: { kind: 'time', timestampMs: 9e12, text: 'later' }, endTimes: new Map([[0, null]]) });
    expect(r).toEqual({ partition: 0, from: 0n, until: null, untilTime: 9e12 });
  });
});
