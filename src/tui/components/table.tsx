import { useMemo, useRef } from 'react';
import { type ColumnSpec, fitColumns, formatHeader, formatRow } from '../layout/fit-columns.js';
import type { Line } from './line.js';
import { Lines } from './lines.js';

export interface TableProps<Row> {
  columns: Array<ColumnSpec<Row>>;
  rows: readonly Row[];
  /** The highlighted row; null for a table without a cursor. */
  cursor: number | null;
  /** Header included. */
  height: number;
  width: number;
  color: boolean;
  /** Shown instead of the rows when there are none. */
  empty: string;
}

/**
 * A table that draws only the rows that fit (virtualized: 1,000 partitions cost no more than
 * twenty), with columns chosen for the width once per data change. The window scrolls only
 * when the cursor leaves it.
 */
export function Table<Row>({ columns, rows, cursor, height, width, color, empty }: TableProps<Row>) {
  const fitted = useMemo(() => fitColumns(columns, rows, Math.max(1, width - 2)), [columns, rows, width]);
  const start = useRef(0);
  const visible = Math.max(0, height - 1);
  if (cursor !== null) {
    if (cursor < start.current) start.current = cursor;
    if (cursor >= start.current + visible) start.current = cursor - visible + 1;
  }
  start.current = Math.max(0, Math.min(start.current, rows.length - visible));
  const lines: Line[] = [{ text: `  ${formatHeader(fitted)}`, tone: 'heading' }];
  if (rows.length === 0) lines.push({ text: `  ${empty}`, tone: 'dim' });
  for (let i = start.current; i < Math.min(rows.length, start.current + visible); i++) {
    const mine = i === cursor;
    lines.push({ text: `${mine ? '›' : ' '} ${formatRow(fitted, rows[i]!)}`, tone: mine ? 'selected' : 'plain' });
  }
  return <Lines lines={lines} height={height} width={width} color={color} />;
}
