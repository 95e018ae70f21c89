import { describe, expect, it } from 'vitest';
import { clipLine, frameDiff } from '../../../src/tui/terminal/frame-diff.js';
import { type ColumnSpec, fitColumns, formatHeader, formatRow } from '../../../src/tui/layout/fit-columns.js';
import { sparkline } from '../../../src/tui/layout/sparkline.js';
import { displayWidth, fit, truncate, wrapWords } from '../../../src/text/text-width.js';

describe('text fitting', () => {
  it('truncates with an ellipsis and never exceeds the width', () => {
    expect(truncate('checkout.orders', 20)).toBe('checkout.orders');
    expect(truncate('checkout.orders', 10)).toBe('checkout.…');
    expect(displayWidth(truncate('checkout.orders', 10))).toBe(10);
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  it('cuts prose at a word boundary, and counts wide characters as two cells', () => {
    expect(truncate('cannot reach Kafka broker at 127.0.0.1:9092', 22, { words: true })).toBe('cannot reach Kafka…');
    expect(displayWidth('注文')).toBe(4);
    expect(displayWidth(truncate('注文注文注文', 5))).toBeLessThanOrEqual(5);
    expect(truncate('line\nbreak\ttab', 20)).toBe('line break tab');
  });

  it('pads to an exact width, numbers to the right', () => {
    expect(fit('12', 5, 'right')).toBe('   12');
    expect(fit('ab', 4)).toBe('ab  ');
  });

  it('wraps prose at spaces', () => {
    expect(wrapWords('group g has 1 active member: member m-1', 16)).toEqual(['group g has 1', 'active member:', 'member m-1']);
  });
});

describe('fitColumns', () => {
  type Row = { name: string; n: number; note: string };
  const specs: Array<ColumnSpec<Row>> = [
    { title: 'NAME', min: 6, priority: 0, value: (r) => r.name },
    { title: 'N', min: 3, priority: 0, align: 'right', value: (r) => String(r.n) },
    { title: 'NOTE', min: 6, priority: 2, value: (r) => r.note },
  ];
  const rows: Row[] = [{ name: 'a-long-topic-name-of-forty-characters-xx', n: 7, note: 'short' }];

  it('keeps every column when they fit at their natural width', () => {
    const cols = fitColumns(specs, rows, 120);
    expect(cols.map((c) => c.width)).toEqual([40, 3, 6]);
  });

  it('drops the lowest priority first and shares the rest evenly', () => {
    expect(fitColumns(specs, rows, 12).map((c) => c.spec.title)).toEqual(['NAME', 'N']);
    const short = [{ name: 'orders', n: 7, note: 'a note that is long' }];
    const cols = fitColumns(specs, short, 20);
    expect(cols.map((c) => [c.spec.title, c.width])).toEqual([['NAME', 6], ['N', 3], ['NOTE', 7]]);
    expect(formatRow(cols, short[0]!)).toBe('orders    7  a note…');
    expect(displayWidth(formatHeader(cols))).toBeLessThanOrEqual(20);
  });

  it('lets optional columns make way while a main column is cut short', () => {
    const cols = fitColumns(specs, rows, 30);
    expect(cols.map((c) => c.spec.title)).toEqual(['NAME', 'N']);
    const line = formatRow(cols, rows[0]!);
    expect(line).toMatch(/^a-long-topic-name-of-for…\s+7$/);
    expect(displayWidth(line)).toBeLessThanOrEqual(30);
  });
});

describe('sparkline', () => {
  it('scales to the largest value shown, newest on the right', () => {
    expect(sparkline([0, 4, 8], 3)).toBe('▁▅█');
    expect(sparkline([0, 0], 4)).toBe('  ▁▁');
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toBe('▆▇▇█');
  });
});

describe('frameDiff', () => {
  it('rewrites only the lines that changed, erasing each first', () => {
    expect(frameDiff(['a', 'b', 'c'], ['a', 'B', 'c'])).toBe('\u001b[2;1H\u001b[2KB');
    expect(frameDiff(['a', 'b'], ['a', 'b'])).toBe('');
    expect(frameDiff(['a', 'b'], ['a'])).toBe('\u001b[2;1H\u001b[2K');
    expect(frameDiff([], ['x'])).toBe('\u001b[1;1H\u001b[2Kx');
  });
});

describe('clipLine', () => {
  it('keeps at most the given cells of a styled line, escape sequences kept and uncounted', () => {
    expect(clipLine('\u001b[1mabcdef\u001b[22m', 4)).toBe('\u001b[1mabcd\u001b[0m');
    expect(clipLine('\u001b[1mabc\u001b[22m', 4)).toBe('\u001b[1mabc\u001b[22m');
    expect(clipLine('注文注文', 5)).toBe('注文\u001b[0m');
  });
});
