import type { HeaderValue, RecordView } from '../../records/record-json.js';
import { charWidth, displayWidth, flatten } from '../../text/text-width.js';

/*
 * A topic's record as the Records view reads it: one-line cells, the text '/' searches, and
 * the whole record's lines. Pure, so the reducer scrolls the same lines the view draws.
 */

const compact = new WeakMap<RecordView, string>();

/** The value on one line: text as it is, decoded values as compact JSON, undecodable bytes (still encoded) marked '!'. */
export function valueText(r: RecordView): string {
  let text = compact.get(r);
  if (text === undefined) {
    text = r.value === null ? '(null)' : `${r.valueError !== undefined ? '!' : ''}${typeof r.value === 'string' ? r.value : JSON.stringify(r.value)}`;
    compact.set(r, text);
  }
  return text;
}

export function keyText(r: RecordView): string {
  if (r.key === null) return '-';
  return `${r.keyError !== undefined ? '!' : ''}${typeof r.key === 'string' ? r.key : JSON.stringify(r.key)}`;
}

const searched = new WeakMap<RecordView, string>();

/** What '/' matches: the key, the value as JSON text and the header values. */
export function recordSearchText(r: RecordView): string {
  let text = searched.get(r);
  if (text === undefined) {
    const headers = Object.values(r.headers).flatMap((v) => (Array.isArray(v) ? v : [v]).map(headerText));
    text = [keyText(r), valueText(r), ...headers].join('\n');
    searched.set(r, text);
  }
  return text;
}

function headerText(v: HeaderValue): string {
  return v === null ? '' : typeof v === 'object' ? v.base64 : String(v);
}

/** The record as pretty JSON, long lines broken at `width` cells (continued indented), so it reads whole without wrapping. */
export function recordDetailLines(r: RecordView, width: number): string[] {
  return JSON.stringify(r, null, 2)
    .split('\n')
    .flatMap((l) => breakAt(flatten(l), Math.max(4, width)));
}

function breakAt(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const indent = ' '.repeat(Math.min(text.length - text.trimStart().length + 2, Math.floor(width / 2)));
  const lines: string[] = [];
  let line = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width) {
      lines.push(line);
      line = indent;
      used = indent.length;
    }
    line += ch;
    used += w;
  }
  lines.push(line);
  return lines;
}
