import { formatClock, formatInterval } from '../layout/format.js';
import { displayWidth, truncate } from '../../text/text-width.js';
import { candidates, groupNames } from '../state/command-line.js';
import type { DashboardState } from '../state/dashboard-state.js';
import { filterMatch } from '../state/filter-match.js';
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
  if (s.prompt) return line(truncate(`:${s.prompt.text}▏`, width), 'accent');
  const filter = list === null ? '' : (s.filters[list] ?? '');
  const notRegex = filterMatch(filter)?.notRegex;
  const asText = notRegex ? `not a regex: ${notRegex} (matching the text)` : '';
  if (s.filterEditing && list !== null) return line(truncate(`/${filter}▏  ${asText || '(Enter: keep · Esc: clear)'}`, width), notRegex ? 'warn' : 'accent');
  if (s.notice) return line(truncate(s.notice, width, { words: true }), 'warn');
  if (s.contexts.switching) return line(truncate(`switching to context ${s.contexts.switching.name}…`, width), 'accent');
  const viewError =
    s.view === 'groups' && s.xray ? null : s.view === 'dlq' ? s.dlq.error : s.view === 'schemas' ? s.schemas.error : s.view === 'services' ? s.services.error : s.view === 'topics' && s.records?.rows ? s.records.error : null;
  if (viewError) return line(truncate(`✗ ${viewError}`, width, { words: true }), 'error');
  const e = s.overview.error;
  if (e) {
    const shown = s.overview.at === null ? '' : ` (showing ${formatClock(s.overview.at)})`;
    return line(truncate(`✗ refresh failed at ${formatClock(e.at)}${shown}: ${e.message}`, width, { words: true }), 'error');
  }
  if (list === null) return line('');
  const total = visibleItems(s, list).length;
  const where = total === 0 ? 'no rows' : `row ${cursorOf(s, list) + 1} of ${total}`;
  return line(truncate(`${where}${filter ? ` · filter "${filter}"${asText ? ` · ${asText}` : ''} (Esc clears)` : ''}`, width), asText ? 'warn' : 'dim');
}

export function footerLine(s: DashboardState, width: number): Line {
  if (s.prompt) {
    // The completions go last, cut to the width: the first ones are what Tab is about to give.
    const next = candidates(s.prompt.text, s.contexts.names, groupNames(s));
    return line(truncate(`tab complete  ⏎ run  esc cancel${next.length > 0 ? `  · ${next.join(' ')}` : ''}`, width), 'dim');
  }
  const hints = footerHints(s);
  const kept: string[] = [];
  for (const h of hints) {
    if (displayWidth([...kept, h].join('  ')) > width) break;
    kept.push(h);
  }
  return line(kept.join('  '), 'dim');
}

function footerHints(s: DashboardState): string[] {
  if (s.help) return ['↑↓ PgUp PgDn scroll', 'any other key: close the help'];
  if (s.filterEditing) return ['type a regex (!: not matching)', '⏎ keep', 'esc clear'];
  const redrive = s.view === 'dlq' ? s.dlq.redrive : null;
  if (redrive?.phase === 'confirm') return ['y redrive', 'n cancel'];
  if (redrive?.phase === 'executing') return ['redriving…', 'q quit (stops after the batch in flight)'];
  if (redrive) return ['any key: close'];
  const edit = s.view === 'dlq' ? s.dlq.edit : null;
  if (edit?.phase === 'input') return ['type PATH=VALUE', '⏎ show the change', 'esc cancel'];
  if (edit?.phase === 'confirm') return ['y send', 'n back'];
  if (edit) return edit.phase === 'done' ? ['any key: close'] : ['working…'];
  if (s.view === 'offsets' && (s.wizard.step === 'value' || s.wizard.step === 'confirm')) return ['type', '⏎ submit', 'esc back', 'tab view', 'ctrl-c quit'];
  const base = ['q quit', '? help', ': command', '1-7 tab views', '↑↓ move'];
  if (s.view === 'dlq' && s.dlq.browse) return ['space pick', 'a all', 'r redrive', 'e edit', '⏎ details', 'esc back', ...base, '/ filter'];
  if (s.view === 'offsets' && s.wizard.step === 'preview') return ['⏎ confirm', 'esc back', ...base];
  const records = s.view === 'topics' ? s.records : null;
  if (records?.detail) return ['↑↓ scroll', 'esc back', 'q quit', '? help', '1-7 tab views'];
  if (records) return [`l ${records.live ? 'pause' : 'live'}`, '/ filter', '⏎ whole record', 'esc back', ...base];
  if (s.view === 'topics' && s.openTopic !== null) return [...base, '⏎ latest records', 'esc back', '/ filter'];
  if (s.view === 'groups' && s.xray) return ['⏎ DLQ records', 'PgUp PgDn scroll', 'esc back', ...base, '/ filter'];
  if (s.view === 'groups') return [...base, '⏎ open', 'x x-ray', 'esc back', '/ filter'];
  return [...base, '⏎ open', 'esc back', '/ filter'];
}
