import { StreamflowError } from '../../errors.js';
import type { GroupResetPlan } from '../../offsets/plan-offset-reset.js';
import { type ResetMode, type ResetScope, parseResetMode } from '../../offsets/reset-mode.js';

/** The wizard's modes; `value` is what errors call the typed value. */
export const RESET_MODES = [
  { kind: 'to-earliest', label: 'earliest: the log start', prompt: null },
  { kind: 'to-latest', label: 'latest: the log end (skip everything)', prompt: null },
  { kind: 'to-offset', label: 'to-offset N', prompt: 'offset (clamped to earliest..latest), e.g. 1200', value: 'the offset' },
  { kind: 'shift-by', label: 'shift-by N (negative re-reads)', prompt: 'records to move, e.g. -500', value: 'the shift' },
  { kind: 'to-datetime', label: 'to-datetime ISO (UTC without a zone)', prompt: 'time, e.g. 2024-05-01T12:00:00Z', value: 'the time' },
  { kind: 'by-duration', label: 'by-duration ISO (now minus)', prompt: 'duration back from now, e.g. PT30M or P1D', value: 'the duration' },
] as const;

export type ResetModeKind = (typeof RESET_MODES)[number]['kind'];

export type WizardStep = 'group' | 'scope' | 'mode' | 'value' | 'planning' | 'preview' | 'confirm' | 'executing' | 'done';

export interface WizardState {
  step: WizardStep;
  group: string | null;
  /** A topic, or null for every topic the group committed to. */
  topic: string | null;
  modeKind: ResetModeKind | null;
  /** The text typed at the value step and at the confirm step. */
  typed: string;
  mode: ResetMode | null;
  /** Why the typed value (or name) is not accepted. */
  inputError: string | null;
  requestId: number;
  plan: GroupResetPlan | null;
  /** Planning or execution failed: the domain's message (e.g. the active members). */
  error: string | null;
}

export const emptyWizard: WizardState = {
  step: 'group',
  group: null,
  topic: null,
  modeKind: null,
  typed: '',
  mode: null,
  inputError: null,
  requestId: 0,
  plan: null,
  error: null,
};

export function scopeOf(w: WizardState): ResetScope {
  return w.topic === null ? { kind: 'all-topics' } : { kind: 'topics', topics: [{ topic: w.topic, partitions: null }] };
}

export function promptOf(kind: ResetModeKind | null): string | null {
  return RESET_MODES.find((m) => m.kind === kind)?.prompt ?? null;
}

/** The reset mode of a kind and the typed value, parsed by `offsets reset`'s parser (int64 checks included). */
export function parseWizardMode(kind: ResetModeKind, text: string): { mode: ResetMode } | { error: string } {
  const choice = RESET_MODES.find((m) => m.kind === kind)!;
  if (choice.prompt === null) return { mode: { kind: choice.kind } };
  try {
    return { mode: parseResetMode(choice.kind, text, choice.value) };
  } catch (err) {
    if (err instanceof StreamflowError) return { error: err.hint ? `${err.message} (${err.hint})` : err.message };
    throw err;
  }
}

/** The step Esc goes back to. */
export function previousStep(w: WizardState): WizardStep {
  switch (w.step) {
    case 'scope':
      return 'group';
    case 'mode':
      return 'scope';
    case 'value':
      return 'mode';
    case 'planning':
    case 'preview':
      return promptOf(w.modeKind) === null ? 'mode' : 'value';
    case 'confirm':
      return 'preview';
    default:
      return 'group';
  }
}
