import { Box } from 'ink';
import { useMemo } from 'react';
import type { BrowsedRecord } from '../../dlq/dlq-browse.js';
import type { DlqSummary } from '../../dlq/dlq-summary.js';
import type { RedriveSummary } from '../../dlq/redrive-job.js';
import type { EditResult } from '../../dlq/dlq-edit-run.js';
import type { EditFlow } from '../state/dlq-edit-flow.js';
import { type Line, line, rule } from '../components/line.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatCount, formatShortTime } from '../layout/format.js';
import { wrapWords } from '../../text/text-width.js';
import { type DlqBrowse, type RedriveFlow, recordKey } from '../state/dlq-state.js';
import { cursorOf, selectedItem, visibleItems } from '../state/lists.js';
import type { ViewProps } from './view-props.js';

const simple = (cls: string | null) => (cls === null ? '?' : (cls.split('.').at(-1) ?? cls));

const topicColumns: Array<ColumnSpec<DlqSummary>> = [
  { title: 'DLQ TOPIC', min: 14, max: 50, priority: 0, value: (d) => d.topic },
  // Not counted (over the count limit): at most the offset span, as `dlq list` shows it.
  { title: 'DEPTH', min: 6, priority: 0, align: 'right', value: (d) => (d.depth === null ? `≤${formatCount(d.offsets)}` : formatCount(d.depth)) },
  { title: 'PARKED', min: 6, priority: 2, align: 'right', value: (d) => (d.parked === null ? '?' : formatCount(d.parked)) },
  { title: 'OLDEST (UTC)', min: 14, priority: 2, value: (d) => formatShortTime(d.oldest) },
  { title: 'NEWEST (UTC)', min: 14, priority: 3, value: (d) => formatShortTime(d.newest) },
  {
    title: 'ERROR CLASSES (NEWEST)',
    min: 14,
    max: 80,
    priority: 1,
    value: (d) =>
      Object.entries(d.errors)
        .map(([c, n]) => `${simple(c)} ${n}`)
        .join(', ') || '-',
  },
];

function recordColumns(browse: DlqBrowse): Array<ColumnSpec<BrowsedRecord>> {
  const picked = new Set(browse.selected);
  return [
    { title: 'PICK', min: 4, priority: 0, value: (r) => (browse.all || picked.has(recordKey(r)) ? '[x]' : '[ ]') },
    { title: 'PART/OFFSET', min: 11, max: 16, priority: 0, value: (r) => `${r.partition}/${r.offset}` },
    { title: 'TIME (UTC)', min: 14, priority: 3, value: (r) => formatShortTime(r.timestamp) },
    { title: 'KEY', min: 6, max: 16, priority: 2, value: (r) => r.key ?? '-' },
    { title: 'ORIGINAL T/P/O', min: 14, max: 40, priority: 2, value: (r) => `${r.original.topic ?? '?'}/${r.original.partition ?? '?'}/${r.original.offset ?? '?'}` },
    { title: 'ERROR', min: 12, max: 80, priority: 1, value: (r) => `${simple(r.error.class)}: ${r.error.message ?? ''}` },
  ];
}

/** DLQ topics with depth and error classes; Enter browses one, space/a pick records, r redrives them, e edits the one under the cursor. */
export function DlqView({ state, width, height, color }: ViewProps) {
  const browse = state.dlq.browse;
  const columns = useMemo(() => (browse ? recordColumns(browse) : null), [browse]);
  if (!browse || !columns) {
    return (
      <Table
        columns={topicColumns}
        rows={visibleItems(state, 'dlq')}
        cursor={cursorOf(state, 'dlq')}
        height={height}
        width={width}
        color={color}
        empty={state.dlq.topics === null ? 'Reading DLQ topics…' : 'No DLQ topics (names ending .dlq, -dlq, -dlt or .DLT) match.'}
      />
    );
  }
  if (browse.status !== 'ready') {
    const text = browse.status === 'loading' ? `Reading ${browse.topic}…` : `Could not browse ${browse.topic}: ${browse.error}`;
    return <Lines lines={wrapWords(text, width).map((t) => line(t, browse.status === 'failed' ? 'error' : 'dim'))} height={height} width={width} color={color} />;
  }
  const result = browse.result!;
  const picked = browse.all ? `all records of ${browse.topic} picked` : `${browse.selected.length} picked`;
  const title = `${browse.topic}: the oldest ${result.records.length} records${result.truncated ? ` (looked at ${result.scanned})` : ''} · ${picked}`;
  const tableHeight = browse.expanded ? 0 : Math.max(3, Math.min(visibleItems(state, 'dlq-records').length + 1, Math.floor((height - 1) / 2)));
  const paneHeight = height - 1 - tableHeight;
  const { redrive, edit } = state.dlq;
  const pane = redrive ? redriveLines(redrive, width) : edit ? editLines(edit, width) : recordLines(selectedItem(state, 'dlq-records'), width, paneHeight);
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[line(title, 'heading')]} height={1} width={width} color={color} />
      {tableHeight > 0 && (
        <Table columns={columns} rows={visibleItems(state, 'dlq-records')} cursor={cursorOf(state, 'dlq-records')} height={tableHeight} width={width} color={color} empty="No records match." />
      )}
      <Lines lines={pane} height={paneHeight} width={width} color={color} />
    </Box>
  );
}

/** The record under the cursor: where it came from, why it failed, its decoded payload and headers. */
function recordLines(r: BrowsedRecord | undefined, width: number, height: number): Line[] {
  if (!r) return [];
  const c = r.context;
  const lines: Line[] = [rule(`${r.partition}/${r.offset}`, width)];
  const origin = [
    `original ${r.original.topic ?? '?'}/${r.original.partition ?? '?'}/${r.original.offset ?? '?'}`,
    c.service && `service ${c.service}`,
    c.consumerGroup && `group ${c.consumerGroup}`,
    c.attempts !== null && `attempts ${c.attempts}`,
    c.redriveCount > 0 && `redriven ${c.redriveCount}x`,
  ];
  lines.push(...wrapWords(origin.filter(Boolean).join(' · '), width).map((t) => line(t)));
  lines.push(...wrapWords(`error ${r.error.class ?? '?'}: ${r.error.message ?? ''}`, width).slice(0, 2).map((t) => line(t, 'warn')));
  const headers = Object.entries(r.headers).map(([k, v]) => line(`  ${k}=${Array.isArray(v) ? v.join(' | ') : (v ?? 'null')}`, 'dim'));
  // The payload first (what a redrive would send), the headers in the room left.
  const payload =
    r.value === null
      ? [line(`payload not decoded: ${r.valueError?.class}: ${r.valueError?.message}`, 'warn')]
      : [line('payload', 'dim'), ...JSON.stringify(r.value, null, 2).split('\n').map((t) => line(`  ${t}`))];
  const room = Math.max(0, height - lines.length - 1);
  const payloadRoom = Math.max(Math.min(payload.length, 3), room - Math.min(headers.length + 1, Math.floor(room / 3)));
  lines.push(...payload.slice(0, payloadRoom));
  if (payload.length > payloadRoom) lines.push(line(`  … ${payload.length - payloadRoom} more lines`, 'dim'));
  lines.push(line(`headers (${headers.length})`, 'dim'), ...headers);
  return lines;
}

function redriveLines(r: RedriveFlow, width: number): Line[] {
  const what = r.selection.all ? `every record of ${r.selection.topic}` : `${r.selection.keys.length} picked record${r.selection.keys.length === 1 ? '' : 's'} of ${r.selection.topic}`;
  const title = (text: string) => rule(text, width, 'accent');
  switch (r.phase) {
    case 'planning':
      return [title('Redrive'), line(`Planning the redrive of ${what}…`, 'dim')];
    case 'confirm':
      return [title('Redrive: confirm'), ...planLines(r.plan!, what, width), line(''), line(r.plan!.planned > 0 ? 'Send them? y: redrive · n: cancel' : 'Nothing to send. n: close', 'accent')];
    case 'executing': {
      const p = r.progress;
      const share = p && p.total > 0 ? ` (${Math.round((p.scanned / p.total) * 100)}% scanned)` : '';
      return [title('Redrive: running'), line(`Redriving ${what}…${share}`), line(p ? `${p.redriven} redriven, ${p.skipped} skipped so far` : 'starting the job…', 'dim')];
    }
    case 'done': {
      const x = r.result!;
      const where = Object.entries(x.byTarget).map(([t, n]) => `${t} ${n}`).join(', ');
      return [
        title('Redrive: done'),
        ...wrapWords(`${x.interrupted ? 'Interrupted: ' : ''}redrove ${x.redriven} record${x.redriven === 1 ? '' : 's'}${where ? ` (${where})` : ''}, skipped ${x.skipped}.`, width).map((t) => line(t, 'ok')),
        line(`job ${x.jobId}, checkpoint in group ${x.group}`, 'dim'),
        line('Any key: close', 'dim'),
      ];
    }
    case 'failed':
      return [title('Redrive: failed'), ...wrapWords(r.error ?? 'unknown error', width).map((t) => line(t, 'error')), line('Any key: close', 'dim')];
  }
}

/** The edit dialog: the PATH=VALUE text, then the plan's diff, then what was sent. */
function editLines(e: EditFlow, width: number): Line[] {
  const at = `${e.record.topic}/${e.record.partition}/${e.record.offset}`;
  const title = (text: string) => rule(text, width, 'accent');
  const changes = (r: EditResult) => r.changes.map((c) => line(`  ${c.path}: ${JSON.stringify(c.from)} -> ${JSON.stringify(c.to)}`));
  switch (e.phase) {
    case 'input':
      return [
        title(`Edit ${at}`),
        line('Fields to change, as PATH=VALUE (VALUE as JSON when it parses), several separated by ;', 'dim'),
        line(`> ${e.text}_`),
        ...(e.error ? wrapWords(e.error, width).map((t) => line(t, 'error')) : []),
        line('Enter: show the change · Esc: cancel', 'dim'),
      ];
    case 'planning':
      return [title(`Edit ${at}`), line('Checking the edit against the target schema…', 'dim')];
    case 'confirm': {
      const r = e.result!;
      return [title('Edit: confirm'), line(`To ${r.target} (subject ${r.subject}, schema id ${r.schemaId}):`), ...changes(r), line(''), line('Send it? y: send · n: back to the text', 'accent')];
    }
    case 'sending':
      return [title('Edit: sending'), line(`Sending the edited record to ${e.result!.target}…`, 'dim')];
    case 'done': {
      const r = e.result!;
      return [title('Edit: sent'), line(`Sent to ${r.target} as edit ${r.editId} (audited).`, 'ok'), ...changes(r), line('Any key: close', 'dim')];
    }
  }
}

function planLines(p: RedriveSummary, what: string, width: number): Line[] {
  const skipped = Object.entries(p.skippedBy)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const lines = wrapWords(`Redrive ${what}: ${p.planned} to send, ${p.skipped} to skip${skipped ? ` (${skipped})` : ''}; job ${p.jobId}.`, width).map((t) => line(t));
  const targets = Object.entries(p.byTarget);
  const nameWidth = Math.min(Math.max(12, ...targets.map(([t]) => t.length)), Math.max(12, width - 14));
  lines.push(line(`  ${'TARGET TOPIC'.padEnd(nameWidth)}  RECORDS`, 'heading'));
  for (const [t, n] of targets) lines.push(line(`  ${(t.length > nameWidth ? `${t.slice(0, nameWidth - 1)}…` : t).padEnd(nameWidth)}  ${String(n).padStart(7)}`));
  return lines;
}
