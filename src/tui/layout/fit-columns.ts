import { displayWidth, fit } from '../../text/text-width.js';

export interface ColumnSpec<Row> {
  title: string;
  /** Narrowest useful width; the column is left out when even this does not fit. */
  min: number;
  /** Widest it grows to (default: its widest value). */
  max?: number;
  /** Lower is kept longer: a narrow terminal drops the highest numbers first. */
  priority: number;
  align?: 'left' | 'right';
  /** Its widest useful width when known without looking at every row (a sparkline). */
  natural?: number;
  /** The cell's text; `width` is the column's width (most cells ignore it, a sparkline fills it). */
  value(row: Row, width: number): string;
}

export interface FittedColumn<Row> {
  spec: ColumnSpec<Row>;
  width: number;
}

export const GAP = 2;

/** A main column (priority 0) narrower than this (or than its values) is worth an optional column. */
const COMFORTABLE = 32;

/**
 * Choose the columns that fit `width` and their widths: columns are kept by priority while
 * their minimum widths fit; the room left is shared out evenly (water-filling), so a long
 * column is cut before a short one loses anything; and while a main column (priority 0) is
 * still cut short, optional columns (priority 2 and up) make way, least important first.
 * Computed once per data change (callers memoize on the rows), never per row.
 */
export function fitColumns<Row>(specs: Array<ColumnSpec<Row>>, rows: readonly Row[], width: number): Array<FittedColumn<Row>> {
  const byPriority = specs.map((spec, index) => ({ spec, index })).sort((a, b) => a.spec.priority - b.spec.priority || a.index - b.index);
  const kept: Array<{ spec: ColumnSpec<Row>; index: number; target: number }> = [];
  let used = 0;
  for (const c of byPriority) {
    const need = c.spec.min + (kept.length > 0 ? GAP : 0);
    if (used + need > width) continue;
    kept.push({ ...c, target: Math.max(c.spec.min, Math.min(naturalWidth(c.spec, rows, width), c.spec.max ?? Infinity)) });
    used += need;
  }
  for (;;) {
    const widths = shareOut(kept, width - GAP * Math.max(0, kept.length - 1));
    const cramped = kept.some((c, i) => c.spec.priority === 0 && widths[i]! < Math.min(c.target, COMFORTABLE));
    const optional = kept.findLastIndex((c) => c.spec.priority >= 2 && c.spec.priority === Math.max(...kept.map((k) => k.spec.priority)));
    if (!cramped || optional === -1) {
      return kept
        .map((c, i) => ({ spec: c.spec, width: widths[i]!, index: c.index }))
        .sort((a, b) => a.index - b.index)
        .map(({ spec, width: w }) => ({ spec, width: w }));
    }
    kept.splice(optional, 1);
  }
}

/** Widths for `room` cells: every column at least its min, then an even cap up to each target. */
function shareOut(columns: Array<{ spec: { min: number }; target: number }>, room: number): number[] {
  const widthsAt = (cap: number) => columns.map((c) => Math.max(c.spec.min, Math.min(c.target, cap)));
  const total = (ws: number[]) => ws.reduce((a, b) => a + b, 0);
  // The largest cap whose widths still fit (every column at its min always fits).
  let lo = 0;
  let hi = Math.max(0, ...columns.map((c) => c.target));
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (total(widthsAt(mid)) <= room) lo = mid;
    else hi = mid - 1;
  }
  const widths = widthsAt(lo);
  // Cells the even cap could not hand out go to the first columns still short of their target.
  let spare = room - total(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    const grow = Math.min(spare, columns[i]!.target - widths[i]!);
    if (grow > 0) {
      widths[i] = widths[i]! + grow;
      spare -= grow;
    }
  }
  return widths;
}

function naturalWidth<Row>(spec: ColumnSpec<Row>, rows: readonly Row[], width: number): number {
  if (spec.natural !== undefined) return spec.natural;
  let natural = displayWidth(spec.title);
  for (const row of rows) natural = Math.max(natural, displayWidth(spec.value(row, spec.max ?? width)));
  return natural;
}

export function formatHeader<Row>(columns: Array<FittedColumn<Row>>): string {
  return columns.map((c) => fit(c.spec.title, c.width, c.spec.align)).join(' '.repeat(GAP)).trimEnd();
}

export function formatRow<Row>(columns: Array<FittedColumn<Row>>, row: Row): string {
  return columns.map((c) => fit(c.spec.value(row, c.width), c.width, c.spec.align)).join(' '.repeat(GAP)).trimEnd();
}
