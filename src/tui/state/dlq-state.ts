import type { BrowseResult } from '../../dlq/dlq-browse.js';
import type { DlqSummary } from '../../dlq/dlq-summary.js';
import type { RedriveSummary } from '../../dlq/redrive-job.js';
import type { EditFlow } from './dlq-edit-flow.js';

/** What a redrive from the dashboard sends: the whole DLQ, or records picked by partition/offset. */
export interface RedriveSelection {
  topic: string;
  all: boolean;
  /** `${partition}/${offset}` of the picked records (ignored with `all`). */
  keys: string[];
}

export interface RedriveProgress {
  scanned: number;
  total: number;
  redriven: number;
  skipped: number;
}

/** planning → confirm (y/n on the plan) → executing (progress) → done | failed. */
export interface RedriveFlow {
  requestId: number;
  phase: 'planning' | 'confirm' | 'executing' | 'done' | 'failed';
  selection: RedriveSelection;
  plan: RedriveSummary | null;
  progress: RedriveProgress | null;
  result: RedriveSummary | null;
  error: string | null;
}

export interface DlqBrowse {
  topic: string;
  requestId: number;
  status: 'loading' | 'ready' | 'failed';
  result: BrowseResult | null;
  error: string | null;
  selected: string[];
  all: boolean;
  /** Enter: the record under the cursor fills the view. */
  expanded: boolean;
}

export interface DlqState {
  at: number | null;
  error: string | null;
  topics: DlqSummary[] | null;
  browse: DlqBrowse | null;
  redrive: RedriveFlow | null;
  edit: EditFlow | null;
}

export const emptyDlq: DlqState = { at: null, error: null, topics: null, browse: null, redrive: null, edit: null };

export function recordKey(r: { partition: number; offset: string }): string {
  return `${r.partition}/${r.offset}`;
}

export function toggle(keys: readonly string[], key: string): string[] {
  return keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key];
}
