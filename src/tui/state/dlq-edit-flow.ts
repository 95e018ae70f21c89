import type { EditResult } from '../../dlq/dlq-edit-run.js';
import type { KeyPress } from './dashboard-actions.js';
import type { DashboardState } from './dashboard-state.js';
import { selectedItem } from './lists.js';

/**
 * `e` on a dead letter, as `dlq edit --set` does it: type PATH=VALUE (several separated by
 * `;`), Enter plans (the dry run's diff), y sends. A refused edit goes back to the text with
 * the reason, so it can be fixed.
 */
export interface EditFlow {
  requestId: number;
  phase: 'input' | 'planning' | 'confirm' | 'sending' | 'done';
  record: { topic: string; partition: number; offset: string };
  text: string;
  result: EditResult | null;
  error: string | null;
}

/** The typed text as --set arguments. */
export function editSets(text: string): string[] {
  return text.split(';').map((t) => t.trim()).filter((t) => t !== '');
}

export function startEdit(s: DashboardState): DashboardState {
  const browse = s.dlq.browse!;
  const r = selectedItem(s, 'dlq-records');
  if (!r) return s;
  const edit: EditFlow = { requestId: s.nextRequestId, phase: 'input', record: { topic: browse.topic, partition: r.partition, offset: r.offset }, text: '', result: null, error: null };
  return { ...s, nextRequestId: s.nextRequestId + 1, dlq: { ...s.dlq, edit } };
}

/** The edit dialog is modal: text while typing, y/n on the plan, any key to close the result. */
export function onEditKey(s: DashboardState, input: string, key: KeyPress): DashboardState {
  const e = s.dlq.edit!;
  const set = (next: Partial<EditFlow> | null) => ({ ...s, dlq: { ...s.dlq, edit: next === null ? null : { ...e, ...next } } });
  switch (e.phase) {
    case 'input':
      if (key.escape) return set(null);
      if (key.return) return editSets(e.text).length ? { ...set({ phase: 'planning', requestId: s.nextRequestId, error: null }), nextRequestId: s.nextRequestId + 1 } : set({ error: 'type PATH=VALUE first' });
      if (key.backspace || key.delete) return set({ text: e.text.slice(0, -1) });
      return input && !key.ctrl && !key.meta ? set({ text: e.text + input }) : s;
    case 'planning':
    case 'sending':
      return s;
    case 'confirm':
      if (input === 'y' || input === 'Y') return { ...set({ phase: 'sending', requestId: s.nextRequestId }), nextRequestId: s.nextRequestId + 1 };
      return input === 'n' || input === 'N' || key.escape ? set({ phase: 'input' }) : s;
    case 'done':
      return set(null);
  }
}

/** A domain answer for the dialog; one for an outdated request is ignored. */
export function onEditAnswer(s: DashboardState, requestId: number, answer: { result: EditResult } | { error: string }): DashboardState {
  const e = s.dlq.edit;
  if (!e || e.requestId !== requestId) return s;
  const next: EditFlow = 'error' in answer ? { ...e, phase: 'input', error: answer.error } : { ...e, phase: e.phase === 'planning' ? 'confirm' : 'done', result: answer.result, error: null };
  return { ...s, dlq: { ...s.dlq, edit: next } };
}
