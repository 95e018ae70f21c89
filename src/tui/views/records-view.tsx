import { Box } from 'ink';
import { useMemo } from 'react';
import type { RecordView } from '../../records/record-json.js';
import { wrapWords } from '../../text/text-width.js';
import { line, rule } from '../components/line.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatClock, formatShortTime } from '../layout/format.js';
import { keyText, recordDetailLines, valueText } from '../layout/record-text.js';
import { cursorOf, visibleItems } from '../state/lists.js';
import type { RecordsBrowse } from '../state/records-state.js';
import type { ViewProps } from './view-props.js';

const columns: Array<ColumnSpec<RecordView>> = [
  { title: 'PARTITION', min: 9, priority: 0, align: 'right', value: (r) => String(r.partition) },
  { title: 'OFFSET', min: 6, priority: 0, align: 'right', value: (r) => String(r.offset) },
  { title: 'TIME (UTC)', min: 14, priority: 2, value: (r) => formatShortTime(new Date(r.timestamp).toISOString()) },
  { title: 'KEY', min: 6, max: 36, priority: 1, value: keyText },
  { title: 'VALUE', min: 10, priority: 0, value: valueText },
];

/** A topic's latest records, newest first (undecodable values marked '!'); Enter shows one whole. */
export function RecordsView({ state, width, height, color }: ViewProps) {
  const r = state.records!;
  if (r.detail) return <RecordDetail topic={r.topic} detail={r.detail} width={width} height={height} color={color} />;
  const title = titleOf(r, visibleItems(state, 'topic-records').length, state.filters['topic-records'] ?? '');
  if (r.rows === null) {
    const text = r.error === null ? 'Reading the latest records…' : `Could not read the records: ${r.error}`;
    return <Lines lines={[line(title, 'heading'), line(''), ...wrapWords(text, width).map((t) => line(t, r.error === null ? 'dim' : 'error'))]} height={height} width={width} color={color} />;
  }
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[line(title, 'heading')]} height={2} width={width} color={color} />
      <Table
        columns={columns}
        rows={visibleItems(state, 'topic-records')}
        cursor={cursorOf(state, 'topic-records')}
        height={height - 2}
        width={width}
        color={color}
        empty={r.rows.length === 0 ? 'The topic has no records.' : 'No records match.'}
      />
    </Box>
  );
}

/** LIVE/PAUSED first: a narrow terminal cuts the title's end. */
function titleOf(r: RecordsBrowse, shown: number, filter: string): string {
  const total = r.rows?.length ?? 0;
  const parts = [`${r.live ? 'LIVE' : 'PAUSED'} · ${r.topic}`];
  if (r.rows !== null) parts.push(filter ? `${shown} of the latest ${total} records match "${filter}"` : `the latest ${total} records`);
  if (r.at !== null) parts.push(`read ${formatClock(r.at)}`);
  return parts.join(' · ');
}

function RecordDetail({ topic, detail, width, height, color }: { topic: string; detail: NonNullable<RecordsBrowse['detail']>; width: number; height: number; color: boolean }) {
  const lines = useMemo(() => recordDetailLines(detail.record, width), [detail.record, width]);
  const rows = height - 1;
  const from = Math.max(0, Math.min(detail.scroll, lines.length - rows));
  const { partition, offset, timestamp } = detail.record;
  const where = lines.length > rows ? ` · lines ${from + 1}-${Math.min(lines.length, from + rows)} of ${lines.length}` : '';
  return <Lines lines={[rule(`${topic}/${partition}/${offset} · ${new Date(timestamp).toISOString()}${where}`, width), ...lines.slice(from, from + rows).map((t) => line(t))]} height={height} width={width} color={color} />;
}
