import type { BrowseResult } from '../../dlq/dlq-browse.js';
import type { DlqSummary } from '../../dlq/dlq-summary.js';
import type { RedriveSummary } from '../../dlq/redrive-job.js';
import type { GroupResetPlan } from '../../offsets/plan-offset-reset.js';
import type { ResetMode, ResetScope } from '../../offsets/reset-mode.js';
import type { RecordView } from '../../records/record-json.js';
import type { ServiceMetricsSnapshot } from '../../runtime/service-metrics.js';
import type { SubjectSummary } from '../../schema/subject-admin.js';
import type { SubjectVersionRow } from '../state/dashboard-state.js';
import type { RedriveProgress, RedriveSelection } from '../state/dlq-state.js';
import type { RefreshScope } from '../state/refresh-scope.js';
import type { OverviewSnapshot, ServicesReading } from '../state/snapshots.js';
import type { EditResult } from '../../dlq/dlq-edit-run.js';
import type { EditFlow } from '../state/dlq-edit-flow.js';
import type { GroupXray } from './group-xray.js';

/** Live metrics of services running in the same process (the `demo` command passes one). */
export interface MetricsSource {
  snapshots(): ServiceMetricsSnapshot[];
}

/**
 * Everything the dashboard reads or does, as calls to the same domain functions the commands
 * use. The hooks call it; components never do. Tests of the app pass a fake.
 */
export interface DashboardSource {
  /** For the header: the context name and bootstrap servers. */
  readonly label: string;
  /** The cluster's topics and groups, with the lag of the scope's groups and the offsets of its topics (all by default). */
  overview(scope?: RefreshScope): Promise<OverviewSnapshot>;
  dlqTopics(): Promise<DlqSummary[]>;
  /** `x` on a group: its members, topics, retry and DLQ topics (depth, error classes) and subjects. */
  groupXray(group: string): Promise<GroupXray>;
  browseDlq(topic: string): Promise<BrowseResult>;
  planRedrive(selection: RedriveSelection): Promise<RedriveSummary>;
  executeRedrive(selection: RedriveSelection, onProgress: (p: RedriveProgress) => void): Promise<RedriveSummary>;
  /** `dlq edit --set` of one dead letter: the plan, or (execute) the sent edit. */
  editDeadLetter(record: EditFlow['record'], sets: string[], execute: boolean): Promise<EditResult>;
  planReset(group: string, scope: ResetScope, mode: ResetMode): Promise<GroupResetPlan>;
  executeReset(plan: GroupResetPlan): Promise<void>;
  /** A topic's latest records (a few hundred at most, spread over its partitions), decoded, newest first. */
  latestRecords(topic: string): Promise<RecordView[]>;
  subjects(): Promise<SubjectSummary[]>;
  subjectVersions(subject: string): Promise<SubjectVersionRow[]>;
  services(): Promise<ServicesReading>;
  close(): Promise<void>;
}

/** The contexts `:ctx NAME` switches between, and how a source for one of them opens. */
export interface ContextSwitcher {
  /** The config file's contexts (and `local` when a dev stack is up). */
  names: readonly string[];
  /** The context of the source the dashboard starts with; null when flags/env gave it. */
  current: string | null;
  /** A source for context NAME (as at start-up: the context resolved to a connection); rejects when it does not resolve. */
  open(name: string): Promise<DashboardSource>;
}
