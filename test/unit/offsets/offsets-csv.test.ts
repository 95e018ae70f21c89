import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { formatOffsetsCsv, parseOffsetsCsv } from '../../../src/offsets/offsets-csv.js';

describe("Kafka's reset-plan CSV", () => {
  const plan = new Map([
    ['g1', [{ topic: 'orders', partition: 0, offset: 10n }, { topic: 'orders', partition: 1, offset: 9_007_199_254_740_993n }]],
    ['g,2', [{ topic: 'pay', partition: 3, offset: 0n }]],
  ]);

  it('writes topic,partition,offset for one group and group,topic,partition,offset for several', () => {
    expect(formatOffsetsCsv(new Map([['g1', plan.get('g1')!]]), false)).toBe('orders,0,10\norders,1,9007199254740993\n');
    expect(formatOffsetsCsv(plan, true)).toBe('g1,orders,0,10\ng1,orders,1,9007199254740993\n"g,2",pay,3,0\n');
  });

  it('round-trips, int64 offsets exact and quoted group ids', () => {
    expect(parseOffsetsCsv(formatOffsetsCsv(plan, true), ['g1', 'g,2'])).toEqual(plan);
    expect(parseOffsetsCsv(formatOffsetsCsv(new Map([['g1', plan.get('g1')!]]), false), ['g1'])).toEqual(new Map([['g1', plan.get('g1')]]));
  });

  it('reads the 3-column form only for a single group, as Kafka does', () => {
    expect(() => parseOffsetsCsv('orders,0,10\n', ['a', 'b'])).toThrow(/group,topic,partition,offset/);
    // A single group with a 4-column file takes the groups from the file.
    expect(parseOffsetsCsv('a,orders,0,10\nb,orders,0,3\n', ['a'])).toEqual(
      new Map([
        ['a', [{ topic: 'orders', partition: 0, offset: 10n }]],
        ['b', [{ topic: 'orders', partition: 0, offset: 3n }]],
      ]),
    );
  });

  it('tolerates CRLF, blank lines, a header line; a repeated partition keeps the last value', () => {
    expect(parseOffsetsCsv('topic,partition,offset\r\norders,0,1\r\n\r\norders,0,5\r\n', ['g'])).toEqual(new Map([['g', [{ topic: 'orders', partition: 0, offset: 5n }]]]));
    expect(parseOffsetsCsv('', ['g'])).toEqual(new Map());
  });

  it('names the line of malformed input (exit 2)', () => {
    const bad: Array<[string, RegExp]> = [
      ['orders,0,10\norders,1\n', /line 2: expected topic,partition,offset, got 2 fields/],
      ['orders,x,10\n', /line 1: partition "x" is not a number/],
      ['orders,0,1.5\n', /line 1: offset must be a whole number, got "1.5"/],
      ['orders,0,9223372036854775808\n', /int64/],
      ['"orders,0,1\n', /unterminated quoted field/],
      [',0,1\n', /empty topic/],
    ];
    for (const [text, message] of bad) {
      expect(() => parseOffsetsCsv(text, ['g'], 'plan.csv')).toThrow(UsageError);
      expect(() => parseOffsetsCsv(text, ['g'], 'plan.csv')).toThrow(message);
    }
  });
});
