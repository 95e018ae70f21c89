import { charWidth } from '../../text/text-width.js';

/**
 * The escape sequences that turn the screen showing `previous` into `next` (lines of a full
 * screen, top-left anchored): only changed lines are rewritten, each erased and written in
 * place, so an unchanged screen costs nothing and a refresh never blanks the whole screen.
 */
export function frameDiff(previous: readonly string[], next: readonly string[]): string {
  let out = '';
  for (let i = 0; i < Math.max(previous.length, next.length); i++) {
    if (previous[i] === next[i]) continue;
    // Erase first, then write: erasing after a full-width line would eat its last cell.
    out += `\u001b[${i + 1};1H\u001b[2K${next[i] ?? ''}`;
  }
  return out;
}

// eslint-disable-next-line no-control-regex
const ESCAPE_SEQUENCE = /^\u001b\[[0-9;?]*[ -/]*[@-~]/;

/**
 * At most `columns` cells of a styled line (escape sequences kept, not counted). A frame laid
 * out for the old size can reach the sink while the terminal is already smaller; a line that
 * wrapped would scroll the screen under the line-by-line renderer.
 */
export function clipLine(line: string, columns: number): string {
  let out = '';
  let used = 0;
  for (let i = 0; i < line.length; ) {
    const esc = line[i] === '\u001b' ? ESCAPE_SEQUENCE.exec(line.slice(i)) : null;
    if (esc) {
      out += esc[0];
      i += esc[0].length;
      continue;
    }
    const ch = String.fromCodePoint(line.codePointAt(i)!);
    const w = charWidth(ch);
    if (used + w > columns) return `${out}\u001b[0m`;
    out += ch;
    used += w;
    i += ch.length;
  }
  return out;
}
