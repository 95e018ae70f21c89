import { formatClock, formatInterval } from '../layout/format.js';
import { displayWidth, truncate, wrapWords } from '../../text/text-width.js';
import type { DashboardState } from '../state/dashboard-state.js';
import { activeList, cursorOf, visibleItems } from '../state/lists.js';
import { VIEWS } from '../state/views.js';
import { type Line, line } from './line.js';

/*
 * The screen's fixed lines (header, tabs, status, footer, help) as pure functions of the
 * state: each returns text already fitted to the width.
 */

export function headerLine(s: DashboardState, label: string, refreshMs: number, width: number): Line {
  const right = s.overview.at === null ? (s.overview.error ? 'not connected' : 'connecting…') : `refreshed ${formatClock(s.overview.at)} · every ${formatInterval(refreshMs)}`;
  const left = `streamflow · ${label}`;
  if (displayWidth(left) + 2 + displayWidth(right) > width) return line(truncate(`${right} · ${left}`, width), 'accent');
  return line(left + ' '.repeat(width - displayWidth(left) - displayWidth(right)) + right, 'accent');
}

export function tabsLine(s: DashboardState, width: number): Line {
  const full = VIEWS.map((v, i) => (v.id === s.view ? `[${i + 1} ${v.label}]` : ` ${i + 1} ${v.label} `)).join(' ');
  if (displayWidth(full) <= width) return line(full, 'heading');
  // Narrow: only the current view keeps its name.
  return line(truncate(VIEWS.map((v, i) => (v.id === s.view ? `[${i + 1} ${v.label}]` : ` ${i + 1} `)).join(''), width), 'heading');
}

export function statusLine(s: DashboardState, width: number): Line {
  const list = activeList(s);
  if (s.filterEditing && list !== null) return line(truncate(`/${s.filters[list] ?? ''}▏  (Enter: keep · Esc: clear)`, width), 'accent');
  if (s.notice) return line(truncate(s.notice, width, { words: true }), 'warn');
  const viewError =
    s.view === 'dlq' ? s.dlq.error : s.view === 'schemas' ? s.schemas.error : s.view === 'services' ? s.services.error : s.view === 'topics' && s.records?.rows ? s.records.error : null;
  if (viewError) return line(truncate(`✗ ${viewError}`, width, { words: true }), 'error');
  const e = s.overview.error;
  if (e) {
    const shown = s.overview.at === null ? '' : ` (showing ${formatClock(s.overview.at)})`;
    return line(truncate(`✗ refresh failed at ${formatClock(e.at)}${shown}: ${e.message}`, width, { words: true }), 'error');
  }
  if (list === null) return line('');
  const total = visibleItems(s, list).length;
  const filter = s.filters[list] ?? '';
  const where = total === 0 ? 'no rows' : `row ${cursorOf(s, list) + 1} of ${total}`;
  return line(truncate(`${where}${filter ? ` · filter "${filter}" (Esc clears)` : ''}`, width), 'dim');
}

export function footerLine(s: DashboardState, width: number): Line {
  const hints = footerHints(s);
  const kept: string[] = [];
  for (const h of hints) {
    if (displayWidth([...kept, h].join('  ')) > width) break;
    kept.push(h);
  }
  return line(kept.join('  '), 'dim');
}

function footerHints(s: DashboardState): string[] {
  if (s.help) return ['any key: close the help'];
  if (s.filterEditing) return ['type to filter', '⏎ keep', 'esc clear'];
  const redrive = s.view === 'dlq' ? s.dlq.redrive : null;
  if (redrive?.phase === 'confirm') return ['y redrive', 'n cancel'];
  if (redrive?.phase === 'executing') return ['redriving…', 'q quit (stops after the batch in flight)'];
  if (redrive) return ['any key: close'];
  const edit = s.view === 'dlq' ? s.dlq.edit : null;
  if (edit?.phase === 'input') return ['type PATH=VALUE', '⏎ show the change', 'esc cancel'];
  if (edit?.phase === 'confirm') return ['y send', 'n back'];
  if (edit) return edit.phase === 'done' ? ['any key: close'] : ['working…'];
  if (s.view === 'offsets' && (s.wizard.step === 'value' || s.wizard.step === 'confirm')) return ['type', '⏎ submit', 'esc back', 'tab view', 'ctrl-c quit'];
  const base = ['q quit', '? help', '1-7 tab views', '↑↓ move'];
  if (s.view === 'dlq' && s.dlq.browse) return ['space pick', 'a all', 'r redrive', 'e edit', '⏎ details', 'esc back', ...base, '/ filter'];
  if (s.view === 'offsets' && s.wizard.step === 'preview') return ['⏎ confirm', 'esc back', ...base];
  const records = s.view === 'topics' ? s.records : null;
  if (records?.detail) return ['↑↓ scroll', 'esc back', 'q quit', '? help', '1-7 tab views'];
  if (records) return [`l ${records.live ? 'pause' : 'live'}`, '/ filter', '⏎ whole record', 'esc back', ...base];
  if (s.view === 'topics' && s.openTopic !== null) return [...base, '⏎ latest records', 'esc back', '/ filter'];
  return [...base, '⏎ open', 'esc back', '/ filter'];
}

const HELP: Array<[string, string]> = [
  ['1-7, Tab, Shift-Tab', 'switch view: Cluster, Topics, Groups, DLQ, Offsets, Schemas, Services'],
  ['↑ ↓  j k  PgUp PgDn  g G', 'move in the list'],
  ['Enter', "open: a topic's partitions (Enter again: its latest records), a group's partition lag and its history, a DLQ's records, a subject's versions"],
  ['Esc', 'back, or clear the filter'],
  ['/', 'filter the list by a substring; Enter keeps it, Esc clears it'],
  ['space, a, r', "in a DLQ's records: pick a record, pick the whole DLQ, redrive the picked records (shows the plan, asks y/n)"],
  ['e', "in a DLQ's records: fix the record under the cursor (PATH=VALUE; ...), check it against the target schema, send it (as `dlq edit --set`)"],
  ['Enter on a record', "over the whole view: a dead letter's payload and headers, a topic's record as JSON (↑↓ scrolls)"],
  ['l', "a topic's records: LIVE (read again every refresh) or PAUSED"],
  ['Offsets view', 'reset a group: choose group, scope and mode, review the plan, type the group name to apply'],
  ['?', 'this help (any key closes it)'],
  ['q, Ctrl-C', 'quit'],
];

export function helpLines(refreshMs: number, width: number): Line[] {
  const keyWidth = Math.min(26, Math.floor(width / 3));
  const lines: Line[] = [line('Keys', 'heading')];
  for (const [keys, what] of HELP) {
    const wrapped = wrapWords(what, Math.max(10, width - keyWidth - 4));
    wrapped.forEach((text, i) => lines.push(line(`  ${(i === 0 ? truncate(keys, keyWidth) : '').padEnd(keyWidth)}  ${text}`)));
  }
  lines.push(line(''));
  for (const text of wrapWords(`Data refreshes every ${formatInterval(refreshMs)}; a failed refresh shows in the status line and the next one tries again. Lag history, rates and ETAs build up while the dashboard runs.`, width)) lines.push(line(text, 'dim'));
  return lines;
}
