import { xrayLines } from '../components/xray-lines.js';
import type { GroupXray } from '../data/group-xray.js';
import { bodySize } from '../layout/body-size.js';
import type { KeyPress } from './dashboard-actions.js';
import type { DashboardState } from './dashboard-state.js';
import { cursorOf, visibleItems } from './lists.js';

/**
 * `x` on a group (or `:xray group NAME`): the group with what hangs off it, over the Groups
 * view. Read once on opening and again on every refresh while shown; ↑↓ move between its
 * DLQs (Enter opens one's records), PgUp PgDn scroll, Esc closes it.
 */
export interface XrayState {
  group: string;
  /** The last read asked for; an answer to any other id is ignored. */
  requestId: number;
  reading: boolean;
  /** null until the first read answers. */
  result: GroupXray | null;
  at: number | null;
  /** The last read's failure; what was read before it stays shown. */
  error: string | null;
  /** Lines scrolled below the title. */
  scroll: number;
}

export function openXray(s: DashboardState, group: string): DashboardState {
  const xray: XrayState = { group, requestId: s.nextRequestId, reading: true, result: null, at: null, error: null, scroll: 0 };
  return { ...s, view: 'groups', nextRequestId: s.nextRequestId + 1, xray, cursors: { ...s.cursors, 'xray-dlqs': 0 }, filters: { ...s.filters, 'xray-dlqs': '' } };
}

/** A refresh tick: the X-ray shown is read again (unless a read is in flight). */
export function onXrayTick(s: DashboardState): DashboardState {
  const x = s.xray;
  if (!x || x.reading || s.view !== 'groups') return s;
  return { ...s, nextRequestId: s.nextRequestId + 1, xray: { ...x, reading: true, requestId: s.nextRequestId } };
}

export function onXrayAnswer(s: DashboardState, requestId: number, answer: { at: number; result: GroupXray } | { error: string }): DashboardState {
  const x = s.xray;
  if (!x || x.requestId !== requestId) return s;
  if ('error' in answer) return { ...s, xray: { ...x, reading: false, error: answer.error } };
  return { ...s, xray: { ...x, reading: false, result: answer.result, at: answer.at, error: null } };
}

/** Lines of the X-ray below its title line. */
function pageOf(s: DashboardState): number {
  return Math.max(1, bodySize(s.size).rows - 1);
}

/** Moves and scrolls; null leaves the key to the list ('/') and the global bindings. */
export function onXrayKey(s: DashboardState, input: string, key: KeyPress): DashboardState | null {
  const x = s.xray!;
  const page = pageOf(s);
  const { lines, dlqAt } = xrayLines(s, bodySize(s.size).columns);
  const last = Math.max(0, lines.length - page);
  const scrollTo = (to: number) => {
    const scroll = Math.max(0, Math.min(to, last));
    return scroll === x.scroll ? s : { ...s, xray: { ...x, scroll } };
  };
  if (key.pageUp) return scrollTo(x.scroll - page);
  if (key.pageDown) return scrollTo(x.scroll + page);
  if (key.home || input === 'g') return scrollTo(0);
  if (key.end || input === 'G') return scrollTo(last);
  const step = key.upArrow || input === 'k' ? -1 : key.downArrow || input === 'j' ? 1 : 0;
  if (step === 0) return null;
  const dlqs = visibleItems(s, 'xray-dlqs').length;
  // Without DLQs to move between, the arrows scroll.
  if (dlqs === 0) return scrollTo(x.scroll + step);
  const at = cursorOf(s, 'xray-dlqs');
  const to = Math.max(0, Math.min(at + step, dlqs - 1));
  const row = dlqAt[to]!;
  // The DLQ row moved to comes into view; at the first or last one, the arrows scroll on.
  const scroll = to === at ? x.scroll + step : row < x.scroll ? row : row >= x.scroll + page ? row - page + 1 : x.scroll;
  return { ...s, cursors: { ...s.cursors, 'xray-dlqs': to }, xray: { ...x, scroll: Math.max(0, Math.min(scroll, last)) } };
}
