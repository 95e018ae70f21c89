import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { expect } from 'vitest';
import { displayWidth } from '../../../src/text/text-width.js';

/**
 * ink-testing-library's stdout is always 100 columns: give it the terminal's size before the
 * real tree renders, so Ink lays the frame out at `columns` as a terminal of that size would.
 */
export function renderAt(node: ReactElement, columns: number, rows = 24) {
  const r = render(<></>);
  Object.defineProperty(r.stdout, 'columns', { value: columns, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: rows, configurable: true });
  r.rerender(node);
  return r;
}

/**
 * What a person sees holds together: the frame is one line short of the terminal (no scroll),
 * no line is wider than the terminal, and every long value that shows is either whole or cut
 * with an ellipsis (never chopped silently).
 */
export function expectCleanFrame(frame: string | undefined, columns: number, rows: number, longValues: string[] = []): string[] {
  expect(frame).toBeDefined();
  const lines = frame!.split('\n');
  expect(lines).toHaveLength(rows - 1);
  for (const l of lines) expect(displayWidth(l), `too wide: "${l}"`).toBeLessThanOrEqual(columns);
  for (const value of longValues) {
    const prefix = value.slice(0, 16);
    for (const l of lines) {
      for (let at = l.indexOf(prefix); at !== -1; at = l.indexOf(prefix, at + 1)) {
        const rest = l.slice(at);
        const ellipsis = rest.indexOf('…');
        // Another of the values, sharing the prefix, may show whole (at 200 columns).
        const whole = longValues.some((v) => rest.startsWith(v));
        const cut = ellipsis !== -1 && value.startsWith(rest.slice(0, ellipsis).trimEnd());
        // Prose may go on on the next line, broken at a space.
        const wrapped = value.startsWith(rest.trimEnd()) && value[rest.trimEnd().length] === ' ';
        expect(whole || cut || wrapped, `"${rest}" cuts "${value}" without an ellipsis`).toBe(true);
      }
    }
  }
  return lines;
}

/** Poll until `check` passes (effects and promises settle after a key or a refresh). */
export async function eventually(check: () => void, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
