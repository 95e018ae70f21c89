import type { SubjectSummary } from '../../schema/subject-admin.js';
import { type DlqState, emptyDlq } from './dlq-state.js';
import { type WizardState, emptyWizard } from './offset-wizard.js';
import { type OverviewState, emptyOverview } from './overview-state.js';
import type { RecordsBrowse } from './records-state.js';
import type { ServiceRow, ServicesReading } from './snapshots.js';
import type { ViewId } from './views.js';
import type { XrayState } from './xray-state.js';

/** Every navigable list of the dashboard; cursors and filters are kept per list. */
export type ListKey =
  | 'topics'
  | 'topic-partitions'
  | 'topic-records'
  | 'groups'
  | 'group-partitions'
  | 'xray-dlqs'
  | 'dlq'
  | 'dlq-records'
  | 'reset-groups'
  | 'reset-scopes'
  | 'reset-modes'
  | 'schemas'
  | 'schema-versions'
  | 'services';

export interface SubjectVersionRow {
  version: number;
  id: number;
  /** e.g. "record OrderCreated, 9 fields" */
  summary: string;
}

export interface SchemasState {
  at: number | null;
  error: string | null;
  subjects: SubjectSummary[] | null;
  versions: null | { subject: string; requestId: number; status: 'loading' | 'ready' | 'failed'; rows: SubjectVersionRow[]; error: string | null };
}

export interface ServicesState {
  at: number | null;
  error: string | null;
  reading: ServicesReading | null;
  /** The reading's rows, with rates computed between scrapes when the source has none. */
  rows: ServiceRow[];
}

export interface Size {
  columns: number;
  rows: number;
}

export interface ContextsState {
  /** The config file's contexts (and `local` when a dev stack is up), for `:ctx` and its completion. */
  names: readonly string[];
  /** The context the data comes from; null when only flags/env gave the connection. */
  current: string | null;
  /** `:ctx NAME` asked for a source of NAME; the effect answers with this request id. */
  switching: { name: string; requestId: number } | null;
}

export interface DashboardState {
  view: ViewId;
  size: Size;
  /** The '?' help, scrolled `scroll` lines down; null when closed. */
  help: { scroll: number } | null;
  quit: boolean;
  /** Typing into the filter of the active list ('/'). */
  filterEditing: boolean;
  /** The ':' command line being typed; null when closed. */
  prompt: { text: string } | null;
  contexts: ContextsState;
  filters: Partial<Record<ListKey, string>>;
  cursors: Partial<Record<ListKey, number>>;
  /** Drilled into (Enter) on the topics and groups views. */
  openTopic: string | null;
  openGroup: string | null;
  /** `x` on a group: its X-ray, over the Groups view. */
  xray: XrayState | null;
  /** Enter on the open topic's partitions: its latest records. */
  records: RecordsBrowse | null;
  /** A one-line hint for the operator, cleared by the next key. */
  notice: string | null;
  overview: OverviewState;
  dlq: DlqState;
  wizard: WizardState;
  schemas: SchemasState;
  services: ServicesState;
  /** Effects (browse, plan, execute) are keyed by request ids so late answers are ignored. */
  nextRequestId: number;
}

export function initialState(init: { view?: ViewId; size: Size; contexts?: { names: readonly string[]; current: string | null } }): DashboardState {
  return {
    view: init.view ?? 'cluster',
    size: init.size,
    help: null,
    quit: false,
    filterEditing: false,
    prompt: null,
    contexts: { names: init.contexts?.names ?? [], current: init.contexts?.current ?? null, switching: null },
    filters: {},
    cursors: {},
    openTopic: null,
    openGroup: null,
    xray: null,
    records: null,
    notice: null,
    overview: emptyOverview,
    dlq: emptyDlq,
    wizard: emptyWizard,
    schemas: { at: null, error: null, subjects: null, versions: null },
    services: { at: null, error: null, reading: null, rows: [] },
    nextRequestId: 1,
  };
}
