import type { BrowseResult } from '../../dlq/dlq-browse.js';
import type { DlqSummary } from '../../dlq/dlq-summary.js';
import type { RedriveSummary } from '../../dlq/redrive-job.js';
import type { EditResult } from '../../dlq/dlq-edit-run.js';
import type { GroupResetPlan } from '../../offsets/plan-offset-reset.js';
import type { RecordView } from '../../records/record-json.js';
import type { SubjectSummary } from '../../schema/subject-admin.js';
import type { GroupXray } from '../data/group-xray.js';
import type { Size, SubjectVersionRow } from './dashboard-state.js';
import type { RedriveProgress } from './dlq-state.js';
import type { OverviewSnapshot, ServicesReading } from './snapshots.js';

/** The keys the dashboard reads from Ink's useInput (a subset of its Key). */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  shift?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type DashboardAction =
  | { type: 'key'; input: string; key: KeyPress }
  | { type: 'resize'; size: Size }
  /** Every refresh interval: what follows live data (the Records view's LIVE mode) reads again. */
  | { type: 'refresh-tick' }
  | { type: 'overview'; snapshot: OverviewSnapshot }
  | { type: 'overview-failed'; at: number; message: string }
  | { type: 'dlq-topics'; at: number; topics: DlqSummary[] }
  | { type: 'dlq-topics-failed'; message: string }
  | { type: 'xray'; requestId: number; at: number; result: GroupXray }
  | { type: 'xray-failed'; requestId: number; message: string }
  | { type: 'browsed'; requestId: number; result: BrowseResult }
  | { type: 'browse-failed'; requestId: number; message: string }
  | { type: 'redrive-planned'; requestId: number; plan: RedriveSummary }
  | { type: 'redrive-progress'; requestId: number; progress: RedriveProgress }
  | { type: 'redrive-done'; requestId: number; result: RedriveSummary }
  | { type: 'redrive-failed'; requestId: number; message: string }
  | { type: 'edit-answered'; requestId: number; answer: { result: EditResult } | { error: string } }
  | { type: 'reset-planned'; requestId: number; plan: GroupResetPlan }
  | { type: 'reset-done'; requestId: number }
  | { type: 'reset-failed'; requestId: number; message: string }
  | { type: 'subjects'; at: number; subjects: SubjectSummary[] }
  | { type: 'subjects-failed'; message: string }
  | { type: 'versions'; requestId: number; rows: SubjectVersionRow[] }
  | { type: 'versions-failed'; requestId: number; message: string }
  | { type: 'records'; requestId: number; at: number; rows: RecordView[] }
  | { type: 'records-failed'; requestId: number; message: string }
  | { type: 'services'; at: number; reading: ServicesReading }
  | { type: 'services-failed'; message: string }
  /** `:ctx NAME`: the new context's source is in place, or its connection did not resolve. */
  | { type: 'context-switched'; requestId: number }
  | { type: 'context-failed'; requestId: number; message: string };
