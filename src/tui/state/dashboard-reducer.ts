import { helpScrollMax } from '../components/help.js';
import { bodySize } from '../layout/body-size.js';
import { onContextFailed, onContextSwitched, onPromptKey, openPrompt } from './command-line.js';
import type { DashboardAction, KeyPress } from './dashboard-actions.js';
import type { DashboardState, ListKey, ServicesState } from './dashboard-state.js';
import { onEditAnswer, onEditKey, startEdit } from './dlq-edit-flow.js';
import { recordKey, toggle } from './dlq-state.js';
import { activeList, cursorOf, selectedItem, visibleItems } from './lists.js';
import { emptyWizard, parseWizardMode, previousStep, promptOf } from './offset-wizard.js';
import { applyOverview } from './overview-state.js';
import { onRecordsAnswer, onRecordsKey, onRecordsTick, openRecords } from './records-state.js';
import type { ServicesReading } from './snapshots.js';
import { printable } from './typed-text.js';
import { VIEWS, cycleView } from './views.js';
import { onXrayAnswer, onXrayKey, onXrayTick, openXray } from './xray-state.js';

/**
 * The dashboard's one reducer: keys and domain answers in, next state out. Pure, so every
 * flow (views, filters, the command line, drill-ins, the redrive dialog, the reset wizard) is
 * tested without a terminal. Effects (fetches, redrives, resets, context switches) are started
 * by hooks that watch the request ids this reducer hands out; answers for an outdated request
 * id are ignored.
 */
export function dashboardReducer(s: DashboardState, a: DashboardAction): DashboardState {
  switch (a.type) {
    case 'key':
      return onKey(s.notice === null ? s : { ...s, notice: null }, a.input, a.key);
    case 'resize':
      return a.size.columns === s.size.columns && a.size.rows === s.size.rows ? s : { ...s, size: a.size };
    case 'refresh-tick':
      return onXrayTick(onRecordsTick(s));
    case 'overview':
      return { ...s, overview: applyOverview(s.overview, a.snapshot) };
    case 'overview-failed':
      return { ...s, overview: { ...s.overview, error: { at: a.at, message: a.message } } };
    case 'dlq-topics':
      return { ...s, dlq: { ...s.dlq, at: a.at, topics: a.topics, error: null } };
    case 'dlq-topics-failed':
      return { ...s, dlq: { ...s.dlq, error: a.message } };
    case 'xray':
      return onXrayAnswer(s, a.requestId, { at: a.at, result: a.result });
    case 'xray-failed':
      return onXrayAnswer(s, a.requestId, { error: a.message });
    case 'browsed':
      if (s.dlq.browse?.requestId !== a.requestId) return s;
      return { ...s, dlq: { ...s.dlq, browse: { ...s.dlq.browse, status: 'ready', result: a.result, error: null } } };
    case 'browse-failed':
      if (s.dlq.browse?.requestId !== a.requestId) return s;
      return { ...s, dlq: { ...s.dlq, browse: { ...s.dlq.browse, status: 'failed', error: a.message } } };
    case 'edit-answered':
      return onEditAnswer(s, a.requestId, a.answer);
    case 'redrive-planned':
      if (s.dlq.redrive?.requestId !== a.requestId || s.dlq.redrive.phase !== 'planning') return s;
      return { ...s, dlq: { ...s.dlq, redrive: { ...s.dlq.redrive, phase: 'confirm', plan: a.plan } } };
    case 'redrive-progress':
      if (s.dlq.redrive?.requestId !== a.requestId || s.dlq.redrive.phase !== 'executing') return s;
      return { ...s, dlq: { ...s.dlq, redrive: { ...s.dlq.redrive, progress: a.progress } } };
    case 'redrive-done':
      if (s.dlq.redrive?.requestId !== a.requestId) return s;
      return {
        ...s,
        dlq: {
          ...s.dlq,
          redrive: { ...s.dlq.redrive, phase: 'done', result: a.result },
          browse: s.dlq.browse && { ...s.dlq.browse, selected: [], all: false },
        },
      };
    case 'redrive-failed':
      if (s.dlq.redrive?.requestId !== a.requestId) return s;
      return { ...s, dlq: { ...s.dlq, redrive: { ...s.dlq.redrive, phase: 'failed', error: a.message } } };
    case 'reset-planned':
      if (s.wizard.requestId !== a.requestId || s.wizard.step !== 'planning') return s;
      return { ...s, wizard: { ...s.wizard, step: 'preview', plan: a.plan, error: null } };
    case 'reset-done':
      if (s.wizard.requestId !== a.requestId || s.wizard.step !== 'executing') return s;
      return { ...s, wizard: { ...s.wizard, step: 'done', error: null } };
    case 'reset-failed':
      if (s.wizard.requestId !== a.requestId) return s;
      return { ...s, wizard: { ...s.wizard, step: s.wizard.step === 'executing' ? 'done' : 'preview', error: a.message } };
    case 'subjects':
      return { ...s, schemas: { ...s.schemas, at: a.at, subjects: a.subjects, error: null } };
    case 'subjects-failed':
      return { ...s, schemas: { ...s.schemas, error: a.message } };
    case 'versions':
      if (s.schemas.versions?.requestId !== a.requestId) return s;
      return { ...s, schemas: { ...s.schemas, versions: { ...s.schemas.versions, status: 'ready', rows: a.rows, error: null } } };
    case 'versions-failed':
      if (s.schemas.versions?.requestId !== a.requestId) return s;
      return { ...s, schemas: { ...s.schemas, versions: { ...s.schemas.versions, status: 'failed', error: a.message } } };
    case 'records':
      return onRecordsAnswer(s, a.requestId, { at: a.at, rows: a.rows });
    case 'records-failed':
      return onRecordsAnswer(s, a.requestId, { error: a.message });
    case 'services':
      // "No services attached" stays as it is: no new state, no render.
      if (a.reading.source === 'none' && s.services.reading?.source === 'none' && s.services.error === null) return s;
      return { ...s, services: applyServices(s.services, a.at, a.reading) };
    case 'services-failed':
      return { ...s, services: { ...s.services, error: a.message } };
    case 'context-switched':
      return onContextSwitched(s, a.requestId);
    case 'context-failed':
      return onContextFailed(s, a.requestId, a.message);
  }
}

/** Rows per page for PgUp/PgDn: about a screenful (the exact table height depends on the view). */
function pageRows(s: DashboardState): number {
  return Math.max(1, s.size.rows - 10);
}

function onKey(s: DashboardState, input: string, key: KeyPress): DashboardState {
  if (key.ctrl && input === 'c') return { ...s, quit: true };
  // Keys read together (typed fast, or while the app was busy) arrive as one string: one at a time.
  if (input.length > 1 && !key.ctrl && !key.meta) return [...input].reduce((acc, ch) => onKey(acc, ch, keyOf(ch)), s);
  // A key typed right after Esc can arrive glued to it (read as Alt+key): Esc, then the key.
  if (key.meta && !key.escape && !key.ctrl && input.length === 1) return onKey(onKey(s, '', { escape: true }), input, { ...key, meta: false });
  if (s.help) return onHelpKey(s, key);
  if (s.prompt) return onPromptKey(s, input, key);
  if (s.filterEditing) return onFilterKey(s, input, key);
  if (s.view === 'offsets' && (s.wizard.step === 'value' || s.wizard.step === 'confirm')) {
    const typed = onWizardText(s, input, key);
    if (typed !== null) return typed;
  }
  const redrive = s.view === 'dlq' ? s.dlq.redrive : null;
  if (redrive) return onRedriveKey(s, input, key);
  if (s.view === 'dlq' && s.dlq.edit) return onEditKey(s, input, key);

  if (input === 'q') return { ...s, quit: true };
  if (input === '?') return { ...s, help: { scroll: 0 } };
  if (input === ':') return openPrompt(s);
  const n = Number(input);
  if (input.length === 1 && Number.isInteger(n) && n >= 1 && n <= VIEWS.length) return switchView(s, VIEWS[n - 1]!.id);
  if (key.tab) return switchView(s, cycleView(s.view, key.shift ? -1 : 1));
  if (s.view === 'topics' && s.records) {
    const handled = onRecordsKey(s, input, key);
    if (handled !== null) return handled;
  }

  if (s.view === 'groups' && s.xray) {
    const handled = onXrayKey(s, input, key);
    if (handled !== null) return handled;
  }

  const list = activeList(s);
  if (list !== null) {
    const moved = onMoveKey(s, list, input, key);
    if (moved !== null) return moved;
    if (input === '/') return { ...s, filterEditing: true };
  }
  if (key.return) return onEnter(s, list);
  if (key.escape) return onEscape(s, list);
  if (input === 'x' && (list === 'groups' || list === 'group-partitions')) {
    const group = list === 'groups' ? selectedItem(s, 'groups')?.group : s.openGroup;
    return group ? openXray(s, group) : s;
  }
  if (s.view === 'dlq' && s.dlq.browse) return onBrowseKey(s, input);
  return s;
}

/** ↑↓ PgUp PgDn scroll the help; any other key closes it. */
function onHelpKey(s: DashboardState, key: KeyPress): DashboardState {
  const at = s.help!.scroll;
  const page = Math.max(1, bodySize(s.size).rows - 1);
  let to: number;
  if (key.upArrow) to = at - 1;
  else if (key.downArrow) to = at + 1;
  else if (key.pageUp) to = at - page;
  else if (key.pageDown) to = at + page;
  else return { ...s, help: null };
  to = Math.max(0, Math.min(to, helpScrollMax(s.size)));
  return to === at ? s : { ...s, help: { scroll: to } };
}

function switchView(s: DashboardState, view: DashboardState['view']): DashboardState {
  return view === s.view ? s : { ...s, view };
}

function onMoveKey(s: DashboardState, list: ListKey, input: string, key: KeyPress): DashboardState | null {
  const last = visibleItems(s, list).length - 1;
  const at = cursorOf(s, list);
  let to: number;
  if (key.upArrow || input === 'k') to = at - 1;
  else if (key.downArrow || input === 'j') to = at + 1;
  else if (key.pageUp) to = at - pageRows(s);
  else if (key.pageDown) to = at + pageRows(s);
  else if (key.home || input === 'g') to = 0;
  else if (key.end || input === 'G') to = last;
  else return null;
  to = Math.max(0, Math.min(to, last));
  return to === (s.cursors[list] ?? 0) ? s : { ...s, cursors: { ...s.cursors, [list]: to } };
}

function onFilterKey(s: DashboardState, input: string, key: KeyPress): DashboardState {
  const list = activeList(s);
  if (list === null) return { ...s, filterEditing: false };
  const current = s.filters[list] ?? '';
  if (key.return) return { ...s, filterEditing: false };
  if (key.escape) return withFilter({ ...s, filterEditing: false }, list, '');
  if (key.backspace || key.delete) return withFilter(s, list, current.slice(0, -1));
  const text = printable(input, key);
  return text === '' ? s : withFilter(s, list, current + text);
}

function withFilter(s: DashboardState, list: ListKey, text: string): DashboardState {
  return { ...s, filters: { ...s.filters, [list]: text }, cursors: { ...s.cursors, [list]: 0 } };
}

/** The key a character of a glued string stands for. */
function keyOf(ch: string): KeyPress {
  if (ch === '\r' || ch === '\n') return { return: true };
  if (ch === '\u007f' || ch === '\b') return { backspace: true };
  if (ch === '\t') return { tab: true };
  return {};
}

function onEnter(s: DashboardState, list: ListKey | null): DashboardState {
  switch (list) {
    case 'topics': {
      const t = selectedItem(s, 'topics');
      return t ? { ...s, openTopic: t.name, cursors: { ...s.cursors, 'topic-partitions': 0 }, filters: { ...s.filters, 'topic-partitions': '' } } : s;
    }
    case 'topic-partitions':
      return openRecords(s, s.openTopic!);
    case 'groups': {
      const g = selectedItem(s, 'groups');
      return g ? { ...s, openGroup: g.group, cursors: { ...s.cursors, 'group-partitions': 0 }, filters: { ...s.filters, 'group-partitions': '' } } : s;
    }
    case 'xray-dlqs': {
      const q = selectedItem(s, 'xray-dlqs');
      if (!q) return s;
      // A redrive or edit in the DLQ view is not dropped for another DLQ: it shows, and finishes first.
      if (s.dlq.redrive || s.dlq.edit) return { ...s, view: 'dlq', notice: `finish the ${s.dlq.redrive ? 'redrive' : 'edit'} first, then open ${q.topic}` };
      // The X-ray stays open behind: the Groups view shows it again.
      return browseDlq({ ...s, view: 'dlq' }, q.topic);
    }
    case 'dlq': {
      const d = selectedItem(s, 'dlq');
      return d ? browseDlq(s, d.topic) : s;
    }
    case 'dlq-records': {
      const browse = s.dlq.browse!;
      return selectedItem(s, 'dlq-records') ? { ...s, dlq: { ...s.dlq, browse: { ...browse, expanded: !browse.expanded } } } : s;
    }
    case 'schemas': {
      const x = selectedItem(s, 'schemas');
      if (!x) return s;
      const versions = { subject: x.subject, requestId: s.nextRequestId, status: 'loading' as const, rows: [], error: null };
      return { ...s, nextRequestId: s.nextRequestId + 1, schemas: { ...s.schemas, versions }, cursors: { ...s.cursors, 'schema-versions': 0 } };
    }
    case 'reset-groups': {
      const g = selectedItem(s, 'reset-groups');
      return g ? { ...s, wizard: { ...emptyWizard, requestId: s.wizard.requestId, step: 'scope', group: g.group }, cursors: { ...s.cursors, 'reset-scopes': 0 } } : s;
    }
    case 'reset-scopes': {
      const c = selectedItem(s, 'reset-scopes');
      return c ? { ...s, wizard: { ...s.wizard, step: 'mode', topic: c.topic }, cursors: { ...s.cursors, 'reset-modes': 0 } } : s;
    }
    case 'reset-modes': {
      const m = selectedItem(s, 'reset-modes');
      if (!m) return s;
      const wizard = { ...s.wizard, modeKind: m.kind, typed: '', inputError: null };
      if (m.prompt !== null) return { ...s, wizard: { ...wizard, step: 'value' } };
      return startPlanning({ ...s, wizard }, parseWizardMode(m.kind, ''));
    }
  }
  if (s.view === 'offsets' && s.wizard.step === 'preview') {
    const w = s.wizard;
    // The planner's refusal (active members) stands: there is nothing to confirm.
    if (!w.plan || w.plan.refusal !== null || w.plan.offsets.length === 0) return s;
    return { ...s, wizard: { ...w, step: 'confirm', typed: '', inputError: null } };
  }
  if (s.view === 'offsets' && s.wizard.step === 'done') return { ...s, wizard: { ...emptyWizard, requestId: s.wizard.requestId } };
  return s;
}

/** A DLQ's records in the DLQ view (Enter on a DLQ there or in a group's X-ray). */
function browseDlq(s: DashboardState, topic: string): DashboardState {
  const browse = { topic, requestId: s.nextRequestId, status: 'loading' as const, result: null, error: null, selected: [], all: false, expanded: false };
  return { ...s, nextRequestId: s.nextRequestId + 1, dlq: { ...s.dlq, browse }, cursors: { ...s.cursors, 'dlq-records': 0 }, filters: { ...s.filters, 'dlq-records': '' } };
}

function startPlanning(s: DashboardState, parsed: ReturnType<typeof parseWizardMode>): DashboardState {
  if ('error' in parsed) return { ...s, wizard: { ...s.wizard, inputError: parsed.error } };
  return {
    ...s,
    nextRequestId: s.nextRequestId + 1,
    wizard: { ...s.wizard, step: 'planning', mode: parsed.mode, inputError: null, plan: null, error: null, requestId: s.nextRequestId },
  };
}

/** Text typed at the wizard's value and confirm steps; null leaves the key to the global bindings. */
function onWizardText(s: DashboardState, input: string, key: KeyPress): DashboardState | null {
  const w = s.wizard;
  if (key.tab || (key.ctrl && input !== '')) return null;
  if (key.escape) return { ...s, wizard: { ...w, step: previousStep(w), typed: '', inputError: null } };
  if (key.backspace || key.delete) return { ...s, wizard: { ...w, typed: w.typed.slice(0, -1), inputError: null } };
  if (key.return) {
    if (w.step === 'value') return startPlanning(s, parseWizardMode(w.modeKind!, w.typed));
    if (w.typed !== w.group) return { ...s, wizard: { ...w, inputError: `type the group name exactly (${w.group}) to apply the new offsets` } };
    return { ...s, nextRequestId: s.nextRequestId + 1, wizard: { ...w, step: 'executing', inputError: null, requestId: s.nextRequestId } };
  }
  const text = printable(input, key);
  return text === '' ? s : { ...s, wizard: { ...w, typed: w.typed + text, inputError: null } };
}

function onEscape(s: DashboardState, list: ListKey | null): DashboardState {
  if (s.view === 'topics' && s.openTopic !== null) return { ...s, openTopic: null };
  if (s.view === 'groups' && s.xray !== null) return (s.filters['xray-dlqs'] ?? '') === '' ? { ...s, xray: null } : withFilter(s, 'xray-dlqs', '');
  if (s.view === 'groups' && s.openGroup !== null) return { ...s, openGroup: null };
  if (s.view === 'dlq' && s.dlq.browse?.expanded) return { ...s, dlq: { ...s.dlq, browse: { ...s.dlq.browse, expanded: false } } };
  if (s.view === 'dlq' && s.dlq.browse) return { ...s, dlq: { ...s.dlq, browse: null } };
  if (s.view === 'schemas' && s.schemas.versions) return { ...s, schemas: { ...s.schemas, versions: null } };
  if (s.view === 'offsets' && s.wizard.step !== 'group' && s.wizard.step !== 'executing') {
    const step = previousStep(s.wizard);
    return { ...s, wizard: { ...s.wizard, step, typed: '', inputError: null, error: null, ...(step === 'preview' ? {} : { plan: null }) } };
  }
  if (list !== null && (s.filters[list] ?? '') !== '') return withFilter(s, list, '');
  return s;
}

function onBrowseKey(s: DashboardState, input: string): DashboardState {
  const browse = s.dlq.browse!;
  if (browse.status !== 'ready') return s;
  if (input === ' ') {
    const r = selectedItem(s, 'dlq-records');
    return r ? { ...s, dlq: { ...s.dlq, browse: { ...browse, all: false, selected: toggle(browse.selected, recordKey(r)) } } } : s;
  }
  if (input === 'a') return { ...s, dlq: { ...s.dlq, browse: { ...browse, all: !browse.all, selected: [] } } };
  if (input === 'e') return startEdit(s);
  if (input === 'r') {
    if (!browse.all && browse.selected.length === 0) return { ...s, notice: 'Pick records with space (or all with a), then press r to redrive.' };
    const redrive = {
      requestId: s.nextRequestId,
      phase: 'planning' as const,
      selection: { topic: browse.topic, all: browse.all, keys: browse.all ? [] : browse.selected },
      plan: null,
      progress: null,
      result: null,
      error: null,
    };
    return { ...s, nextRequestId: s.nextRequestId + 1, dlq: { ...s.dlq, redrive } };
  }
  return s;
}

/** The redrive dialog is modal: y/n while it asks, any key to close its result. */
function onRedriveKey(s: DashboardState, input: string, key: KeyPress): DashboardState {
  const r = s.dlq.redrive!;
  switch (r.phase) {
    case 'planning':
      return key.escape || input === 'n' ? { ...s, dlq: { ...s.dlq, redrive: null } } : s;
    case 'confirm':
      if (input === 'y' || input === 'Y') {
        if (!r.plan || r.plan.planned === 0) return { ...s, dlq: { ...s.dlq, redrive: null }, notice: 'Nothing to redrive: every picked record would be skipped.' };
        return { ...s, nextRequestId: s.nextRequestId + 1, dlq: { ...s.dlq, redrive: { ...r, phase: 'executing', requestId: s.nextRequestId } } };
      }
      return input === 'n' || input === 'N' || key.escape ? { ...s, dlq: { ...s.dlq, redrive: null } } : s;
    case 'executing':
      // Quitting stops the job after the transaction in flight; nothing else interrupts it.
      return input === 'q' ? { ...s, quit: true } : s;
    case 'done':
    case 'failed':
      return { ...s, dlq: { ...s.dlq, redrive: null } };
  }
}

function applyServices(prev: ServicesState, at: number, reading: ServicesReading): ServicesState {
  if (reading.source !== 'scrape') return { at, error: null, reading, rows: reading.source === 'live' ? reading.rows : [] };
  // A scrape has counters only: the rate is the processed delta since the previous scrape.
  const before = new Map(prev.reading?.source === 'scrape' ? prev.rows.map((r) => [r.service, r]) : []);
  const seconds = prev.at === null ? 0 : (at - prev.at) / 1000;
  const rows = reading.rows.map((r) => {
    const b = before.get(r.service);
    const rate = b && seconds > 0 && r.processed >= b.processed ? Math.round(((r.processed - b.processed) / seconds) * 10) / 10 : null;
    return { ...r, ratePerSec: rate };
  });
  return { at, error: null, reading, rows };
}
