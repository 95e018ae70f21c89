import type { GroupMember } from '../../kafka/consumer-groups.js';
import type { XrayQueue } from '../data/group-xray.js';
import { type ColumnSpec, fitColumns, formatHeader, formatRow } from '../layout/fit-columns.js';
import { formatCount, formatDuration, formatEta, formatRate } from '../layout/format.js';
import type { DashboardState } from '../state/dashboard-state.js';
import { cursorOf, visibleItems } from '../state/lists.js';
import type { DashboardPartition } from '../state/overview-state.js';
import { type Line, line, rule } from './line.js';

/*
 * The X-ray of a group as lines: a pure function of the state and the width, so the reducer
 * scrolls over the same lines the view draws (and knows where each DLQ row is).
 */

const simple = (cls: string) => cls.split('.').at(-1) ?? cls;

const memberColumns: Array<ColumnSpec<GroupMember>> = [
  { title: 'CLIENT ID', min: 10, max: 40, priority: 0, value: (m) => m.clientId },
  { title: 'HOST', min: 8, max: 30, priority: 1, value: (m) => m.host },
  { title: 'ASSIGNED', min: 10, max: 80, priority: 0, value: (m) => m.assignment.map((a) => `${a.topic}[${a.partitions.join(',')}]`).join(' ') || '-' },
  { title: 'MEMBER ID', min: 12, max: 60, priority: 3, value: (m) => m.memberId },
];

const partitionColumns: Array<ColumnSpec<DashboardPartition>> = [
  { title: 'TOPIC', min: 12, max: 50, priority: 0, value: (p) => p.topic },
  { title: 'P', min: 3, priority: 0, align: 'right', value: (p) => String(p.partition) },
  { title: 'LAG', min: 6, priority: 0, align: 'right', value: (p) => formatCount(p.lag) },
  { title: 'TIME LAG', min: 8, priority: 0, align: 'right', value: (p) => formatDuration(p.lagMs) },
  { title: 'VERDICT', min: 7, priority: 1, value: (p) => p.status },
  { title: 'RATE/S', min: 6, priority: 3, align: 'right', value: (p) => formatRate(p.rate) },
  { title: 'ETA', min: 9, priority: 2, align: 'right', value: (p) => formatEta(p.etaMs, p.lag) },
];

const queueColumns: Array<ColumnSpec<XrayQueue>> = [
  { title: 'KIND', min: 5, priority: 0, value: (q) => q.kind.toUpperCase() },
  { title: 'TOPIC', min: 14, max: 50, priority: 0, value: (q) => q.topic },
  // Not counted (over the count limit): at most the offset span, as the DLQ view shows it.
  { title: 'DEPTH', min: 6, priority: 0, align: 'right', value: (q) => (q.depth === null ? `≤${formatCount(q.offsets)}` : formatCount(q.depth)) },
  {
    title: 'TOP ERROR CLASSES',
    min: 14,
    max: 80,
    priority: 1,
    value: (q) =>
      Object.entries(q.errors)
        .slice(0, 3)
        .map(([c, n]) => `${simple(c)} ${n}`)
        .join(', ') || '-',
  },
];

function table<Row>(columns: Array<ColumnSpec<Row>>, rows: readonly Row[], width: number, empty: string, tone: (row: Row) => Line['tone'] = () => 'plain'): Line[] {
  if (rows.length === 0) return [line(`  ${empty}`, 'dim')];
  const fitted = fitColumns(columns, rows, Math.max(1, width - 2));
  return [line(`  ${formatHeader(fitted)}`, 'heading'), ...rows.map((r) => line(`${tone(r) === 'selected' ? '›' : ' '} ${formatRow(fitted, r)}`, tone(r)))];
}

/** The line above the scrolled part: the group, its state, lag and verdict. */
export function xrayTitle(s: DashboardState): Line {
  const x = s.xray!;
  const g = s.overview.groups.find((y) => y.group === x.group);
  const state = x.result?.state ?? g?.state;
  const parts = [
    `X-ray of group ${x.group}`,
    state && `${state}, ${x.result?.members.length ?? g?.members ?? 0} member${(x.result?.members.length ?? g?.members) === 1 ? '' : 's'}`,
    g && `lag ${formatCount(g.totalLag)}${g.maxLagMs ? ` (${formatDuration(g.maxLagMs)} behind)` : ''}`,
    g?.status && `${g.status}: ${g.reason}`,
  ];
  return line(parts.filter(Boolean).join(' · '), 'heading');
}

/** Every line below the title, and the index of each (visible) DLQ's row. */
export function xrayLines(s: DashboardState, width: number): { lines: Line[]; dlqAt: number[] } {
  const x = s.xray!;
  const r = x.result;
  if (!r) {
    const text = x.error ? `Could not read the X-ray of ${x.group}: ${x.error}` : `Reading the X-ray of ${x.group}…`;
    return { lines: [line(text, x.error ? 'error' : 'dim')], dlqAt: [] };
  }
  const g = s.overview.groups.find((y) => y.group === x.group);
  const partitions = g?.partitions ?? [];
  const lines: Line[] = [];
  lines.push(rule(`MEMBERS (${r.members.length})`, width));
  lines.push(...table(memberColumns, r.members, width, `no members (${r.state})`));
  lines.push(rule(`PARTITIONS (${partitions.length})${g ? ` · lag ${formatCount(g.totalLag)}` : ''}`, width));
  lines.push(...table(partitionColumns, partitions, width, g ? 'no partitions' : 'not in the last refresh'));
  lines.push(rule(`TOPICS (${r.topics.length})`, width));
  lines.push(...(r.topics.length === 0 ? [line('  none', 'dim')] : r.topics.map((t) => line(`  ${t}`))));

  const retries = r.queues.filter((q) => q.kind === 'retry');
  const dlqs = visibleItems(s, 'xray-dlqs');
  const cursor = cursorOf(s, 'xray-dlqs');
  const selected = dlqs[cursor];
  lines.push(rule(`RETRY/DLQ (${retries.length} retry, ${dlqs.length} DLQ)${dlqs.length ? ' · ⏎ on a DLQ: its records' : ''}`, width));
  const start = lines.length + 1;
  const rows = [...retries, ...dlqs];
  lines.push(...table(queueColumns, rows, width, 'no retry or DLQ topics by name', (q) => (q === selected ? 'selected' : 'plain')));
  const dlqAt = rows.length === 0 ? [] : dlqs.map((_, i) => start + retries.length + i);

  lines.push(rule(`SUBJECTS (${r.subjects?.length ?? '-'})`, width));
  if (r.subjects === null) lines.push(line('  no schema registry configured', 'dim'));
  else lines.push(...(r.subjects.length === 0 ? [line('  none for these topics', 'dim')] : r.subjects.map((x) => line(`  ${x}`))));
  if (x.error) lines.push(line(`✗ the last read failed: ${x.error}`, 'error'));
  return { lines, dlqAt };
}
