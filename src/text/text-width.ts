/*
 * Terminal cell widths. Every line the dashboard (and topic consume's table) draws is fitted here first, so nothing wraps
 * or overlaps: too-long text ends in an ellipsis instead of being chopped or wrapped by Ink.
 */

const ELLIPSIS = '…';
// East Asian wide and fullwidth ranges and pictographs take two cells.
const WIDE = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|\p{Extended_Pictographic}/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\u200B-\u200F\uFE00-\uFE0F]/u;

export function charWidth(ch: string): number {
  if (ZERO_WIDTH.test(ch)) return 0;
  return WIDE.test(ch) ? 2 : 1;
}

/** Control characters (newlines and tabs included) become spaces: a cell is one line. */
export function flatten(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ');
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/**
 * At most `width` cells. Too-long text keeps what fits and ends in '…'. With `words`, prose
 * is cut at the last space that keeps most of it, so no word is left half-shown.
 */
export function truncate(text: string, width: number, opts: { words?: boolean } = {}): string {
  const flat = flatten(text);
  if (width <= 0) return '';
  if (displayWidth(flat) <= width) return flat;
  if (width === 1) return ELLIPSIS;
  let out = '';
  let used = 0;
  for (const ch of flat) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  if (opts.words) {
    const space = out.lastIndexOf(' ');
    if (space >= out.length * 0.6) out = out.slice(0, space);
  }
  return out.trimEnd() + ELLIPSIS;
}

/** Exactly `width` cells: truncated, then padded on the right (or left, for numbers). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

/** Prose over lines of at most `width` cells, broken at spaces; a word longer than a line is truncated. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of flatten(text).split(' ').filter((w) => w !== '')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) <= width) line = candidate;
    else {
      if (line !== '') lines.push(line);
      line = truncate(word, width);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
