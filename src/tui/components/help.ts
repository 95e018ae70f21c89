import { truncate, wrapWords } from '../../text/text-width.js';
import { bodySize } from '../layout/body-size.js';
import type { DashboardState, Size } from '../state/dashboard-state.js';
import { type Line, line, rule } from './line.js';

/*
 * The '?' help: longer than an 80x24 screen, so it scrolls (↑↓ PgUp PgDn) under a title line
 * that says which lines show. Pure functions of the width, so the reducer clamps the scroll
 * with the same lines the screen draws.
 */

const SECTIONS: Array<[string, Array<[string, string]>]> = [
  [
    'Keys',
    [
      ['1-7, Tab, Shift-Tab', 'switch view: Cluster, Topics, Groups, DLQ, Offsets, Schemas, Services'],
      ['↑ ↓  j k  PgUp PgDn  g G', 'move in the list'],
      ['Enter', "open: a topic's partitions (Enter again: its latest records), a group's partition lag and its history, a DLQ's records, a subject's versions"],
      ['x', "on a group: its X-ray: members (client id, host, partitions), partition lag and verdicts, topics, retry and DLQ topics (depth, top error classes), schema subjects; Enter on a DLQ opens its records"],
      ['Esc', 'back, or clear the filter'],
      ['/', 'filter the list by a regex (case-insensitive; text that is no regex matches as a substring); a leading ! keeps the rows that do not match. Enter keeps it, Esc clears it'],
      [':', 'the command line (below)'],
      ['space, a, r', "in a DLQ's records: pick a record, pick the whole DLQ, redrive the picked records (shows the plan, asks y/n)"],
      ['e', "in a DLQ's records: fix the record under the cursor (PATH=VALUE; ...), check it against the target schema, send it (as `dlq edit --set`)"],
      ['Enter on a record', "over the whole view: a dead letter's payload and headers, a topic's record as JSON (↑↓ scrolls)"],
      ['l', "a topic's records: LIVE (read again every refresh) or PAUSED"],
      ['Offsets view', 'reset a group: choose group, scope and mode, review the plan, type the group name to apply'],
      ['?', 'this help: ↑↓ PgUp PgDn scroll it, any other key closes it'],
      ['q, Ctrl-C', 'quit'],
    ],
  ],
  [
    'Commands (:)',
    [
      [':topics, :groups, ...', 'open a view by name: cluster, topics, groups, dlq, offsets, schemas, services'],
      [':ctx NAME', 'switch to context NAME of the config file (the header shows the current one); :ctx alone lists them'],
      [':xray group NAME', "group NAME's X-ray (as x on it in the Groups view)"],
      [':q, :quit', 'quit'],
      ['Tab, Enter, Esc', 'complete the command, context or group name, run it, cancel'],
    ],
  ],
];

const cache = new Map<number, Line[]>();

/** Every line of the help at this width. */
export function helpLines(width: number): Line[] {
  let lines = cache.get(width);
  if (lines) return lines;
  lines = [];
  const keyWidth = Math.min(26, Math.floor(width / 3));
  for (const [title, entries] of SECTIONS) {
    if (lines.length > 0) lines.push(line(''));
    lines.push(line(title, 'heading'));
    for (const [keys, what] of entries) {
      const wrapped = wrapWords(what, Math.max(10, width - keyWidth - 4));
      wrapped.forEach((text, i) => lines!.push(line(`  ${(i === 0 ? truncate(keys, keyWidth) : '').padEnd(keyWidth)}  ${text}`)));
    }
  }
  lines.push(line(''));
  const refresh = 'Data refreshes at the interval in the header; a failed refresh shows in the status line and the next one tries again. Lag history, rates and ETAs build up while the dashboard runs.';
  for (const text of wrapWords(refresh, width)) lines.push(line(text, 'dim'));
  cache.set(width, lines);
  return lines;
}

/** The furthest the help scrolls at this terminal size (its last line at the bottom). */
export function helpScrollMax(size: Size): number {
  const { columns, rows } = bodySize(size);
  return Math.max(0, helpLines(columns).length - (rows - 1));
}

/** The help as the view area shows it: a title line, then the lines from the scroll position. */
export function helpFrame(s: DashboardState, width: number, height: number): Line[] {
  const lines = helpLines(width);
  const rows = height - 1;
  const from = Math.max(0, Math.min(s.help?.scroll ?? 0, lines.length - rows));
  const where = lines.length > rows ? ` · lines ${from + 1}-${Math.min(lines.length, from + rows)} of ${lines.length} (↑↓ PgUp PgDn)` : '';
  return [rule(`Help${where}`, width, 'heading'), ...lines.slice(from, from + rows)];
}
