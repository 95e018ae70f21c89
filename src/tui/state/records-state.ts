import type { RecordView } from '../../records/record-json.js';
import { bodySize } from '../layout/body-size.js';
import { recordDetailLines } from '../layout/record-text.js';
import type { KeyPress } from './dashboard-actions.js';
import type { DashboardState } from './dashboard-state.js';
import { selectedItem, visibleItems } from './lists.js';

/**
 * Enter on a topic's partitions: its latest records, newest first, read once (PAUSED) or again
 * on every refresh (LIVE, `l`). Enter on a record shows it whole; Esc steps back out.
 */
export interface RecordsBrowse {
  topic: string;
  /** The last read asked for; an answer to any other id is ignored. */
  requestId: number;
  /** A read is in flight: the first one, or a live re-read. */
  reading: boolean;
  /** null until the first read answers. */
  rows: RecordView[] | null;
  /** When `rows` were read. */
  at: number | null;
  /** The last read's failure; rows read before it stay shown. */
  error: string | null;
  live: boolean;
  /** The record Enter opened (kept as it was while live reads go on), scrolled `scroll` lines down. */
  detail: { record: RecordView; scroll: number } | null;
}

export function openRecords(s: DashboardState, topic: string): DashboardState {
  const records: RecordsBrowse = { topic, requestId: s.nextRequestId, reading: true, rows: null, at: null, error: null, live: false, detail: null };
  return { ...s, nextRequestId: s.nextRequestId + 1, records, cursors: { ...s.cursors, 'topic-records': 0 }, filters: { ...s.filters, 'topic-records': '' } };
}

/** Ask for a read now unless one is in flight. */
function read(s: DashboardState, r: RecordsBrowse): DashboardState {
  if (r.reading) return { ...s, records: r };
  return { ...s, nextRequestId: s.nextRequestId + 1, records: { ...r, reading: true, requestId: s.nextRequestId } };
}

/** A refresh tick: live records are read again while the Topics view shows them. */
export function onRecordsTick(s: DashboardState): DashboardState {
  const r = s.records;
  return r && r.live && !r.reading && s.view === 'topics' ? read(s, r) : s;
}

/** A read's answer. The record under the cursor stays under it (by partition and offset) while it is still read. */
export function onRecordsAnswer(s: DashboardState, requestId: number, answer: { at: number; rows: RecordView[] } | { error: string }): DashboardState {
  const r = s.records;
  if (!r || r.requestId !== requestId) return s;
  if ('error' in answer) return { ...s, records: { ...r, reading: false, error: answer.error } };
  const before = r.rows === null ? undefined : selectedItem(s, 'topic-records');
  const next: DashboardState = { ...s, records: { ...r, reading: false, rows: answer.rows, at: answer.at, error: null } };
  if (!before) return next;
  const at = visibleItems(next, 'topic-records').findIndex((x) => x.partition === before.partition && x.offset === before.offset);
  return at === -1 ? next : { ...next, cursors: { ...next.cursors, 'topic-records': at } };
}

/** The Records view's own keys; null leaves the key to the list (moves, '/') and the global bindings. */
export function onRecordsKey(s: DashboardState, input: string, key: KeyPress): DashboardState | null {
  const r = s.records!;
  if (r.detail) {
    if (key.escape || key.return) return { ...s, records: { ...r, detail: null } };
    const scroll = scrolled(s, r.detail, input, key);
    if (scroll === null) return null;
    return scroll === r.detail.scroll ? s : { ...s, records: { ...r, detail: { ...r.detail, scroll } } };
  }
  if (key.escape) return { ...s, records: null };
  if (key.return) {
    const record = selectedItem(s, 'topic-records');
    return record ? { ...s, records: { ...r, detail: { record, scroll: 0 } } } : s;
  }
  if (input === 'l') return r.live ? { ...s, records: { ...r, live: false } } : read(s, { ...r, live: true });
  return null;
}

/** Lines of the whole record below its title line. */
function detailRows(s: DashboardState): number {
  return Math.max(1, bodySize(s.size).rows - 1);
}

function scrolled(s: DashboardState, detail: NonNullable<RecordsBrowse['detail']>, input: string, key: KeyPress): number | null {
  const page = detailRows(s);
  const last = Math.max(0, recordDetailLines(detail.record, bodySize(s.size).columns).length - page);
  const at = detail.scroll;
  let to: number;
  if (key.upArrow || input === 'k') to = at - 1;
  else if (key.downArrow || input === 'j') to = at + 1;
  else if (key.pageUp) to = at - page;
  else if (key.pageDown) to = at + page;
  else if (key.home || input === 'g') to = 0;
  else if (key.end || input === 'G') to = last;
  else return null;
  return Math.max(0, Math.min(to, last));
}
