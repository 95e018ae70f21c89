import { Box } from 'ink';
import type { GroupLag } from '../../lag/compute-lag.js';
import { type PlannedOffset, offsetDelta } from '../../offsets/plan-offset-reset.js';
import { type Line, line, rule } from '../components/line.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatCount, formatDuration } from '../layout/format.js';
import { wrapWords } from '../../text/text-width.js';
import { type ModeChoice, type ScopeChoice, cursorOf, visibleItems } from '../state/lists.js';
import { type WizardState, promptOf } from '../state/offset-wizard.js';
import type { ViewProps } from './view-props.js';

const groupColumns: Array<ColumnSpec<GroupLag>> = [
  { title: 'GROUP', min: 14, max: 60, priority: 0, value: (g) => g.group },
  { title: 'STATE', min: 6, max: 19, priority: 0, value: (g) => g.state },
  { title: 'MEMBERS', min: 7, priority: 1, align: 'right', value: (g) => String(g.members) },
  { title: 'LAG', min: 7, priority: 1, align: 'right', value: (g) => formatCount(g.totalLag) },
];
const scopeColumns: Array<ColumnSpec<ScopeChoice>> = [{ title: 'SCOPE', min: 10, priority: 0, value: (c) => c.label }];
const modeColumns: Array<ColumnSpec<ModeChoice>> = [{ title: 'MODE', min: 10, priority: 0, value: (m) => m.label }];
const planColumns: Array<ColumnSpec<PlannedOffset>> = [
  { title: 'TOPIC', min: 12, max: 50, priority: 0, value: (o) => o.topic },
  { title: 'P', min: 3, priority: 0, align: 'right', value: (o) => String(o.partition) },
  { title: 'CURRENT', min: 7, priority: 0, align: 'right', value: (o) => o.current?.toString() ?? '-' },
  { title: 'NEW', min: 7, priority: 0, align: 'right', value: (o) => o.target.toString() },
  {
    title: 'DELTA',
    min: 6,
    priority: 1,
    align: 'right',
    value: (o) => {
      const d = offsetDelta(o);
      return d === null ? '-' : d > 0 ? `+${d}` : String(d);
    },
  },
  { title: 'NOTE', min: 8, max: 60, priority: 2, value: (o) => o.note ?? '' },
];

/**
 * The offset-reset wizard: group → scope → mode (→ value) → the plan (planOffsetReset) →
 * type the group's name → executeOffsetReset. The planner's refusal (active members) is shown
 * as it words it, and there is then nothing to confirm.
 */
export function OffsetsView({ state, width, height, color }: ViewProps) {
  const w = state.wizard;
  const head = [line(breadcrumb(w), 'heading'), line('')];
  const body = height - head.length;
  let content;
  switch (w.step) {
    case 'group':
      content = (
        <Table columns={groupColumns} rows={visibleItems(state, 'reset-groups')} cursor={cursorOf(state, 'reset-groups')} height={body} width={width} color={color} empty={state.overview.at === null ? (state.overview.error ? 'No data yet (see the status line).' : 'Loading consumer groups…') : 'No consumer groups match.'} />
      );
      break;
    case 'scope':
      content = <Table columns={scopeColumns} rows={visibleItems(state, 'reset-scopes')} cursor={cursorOf(state, 'reset-scopes')} height={body} width={width} color={color} empty="No topics match." />;
      break;
    case 'mode':
      content = <Table columns={modeColumns} rows={visibleItems(state, 'reset-modes')} cursor={cursorOf(state, 'reset-modes')} height={body} width={width} color={color} empty="No modes match." />;
      break;
    default:
      content = <PlanPane wizard={w} width={width} height={body} color={color} />;
  }
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={head} height={head.length} width={width} color={color} />
      {content}
    </Box>
  );
}

function breadcrumb(w: WizardState): string {
  const before = (step: WizardState['step']) => STEPS.indexOf(w.step) <= STEPS.indexOf(step);
  const scope = before('scope') ? '?' : (w.topic ?? 'all topics');
  const mode = before('mode') ? '?' : w.step === 'value' ? `${w.modeKind} ?` : `${w.modeKind}${describeMode(w)}`;
  return `Reset offsets: group ${w.group ?? '?'} › scope ${scope} › mode ${mode}`;
}

const STEPS: Array<WizardState['step']> = ['group', 'scope', 'mode', 'value', 'planning', 'preview', 'confirm', 'executing', 'done'];

function describeMode(w: WizardState): string {
  const m = w.mode;
  switch (m?.kind) {
    case 'to-offset':
      return ` ${m.offset}`;
    case 'shift-by':
      return ` ${m.shift}`;
    case 'to-datetime':
      return ` ${new Date(m.timestampMs).toISOString()}`;
    case 'by-duration':
      return ` ${formatDuration(m.durationMs)}`;
    default:
      return '';
  }
}

/** The value prompt, the plan preview, the typed confirmation and the outcome. */
function PlanPane({ wizard: w, width, height, color }: { wizard: WizardState; width: number; height: number; color: boolean }) {
  const top: Line[] = [];
  const bottom: Line[] = [];
  const wrap = (text: string, tone: Line['tone'] = 'plain') => wrapWords(text, width).map((t) => line(t, tone));
  let showPlan = w.plan !== null;
  switch (w.step) {
    case 'value':
      top.push(line(`Enter the ${promptOf(w.modeKind)}:`), line(`> ${w.typed}▏`, 'accent'));
      if (w.inputError) top.push(...wrap(w.inputError, 'error'));
      showPlan = false;
      break;
    case 'planning':
      top.push(line('Planning (reading committed and log offsets)…', 'dim'));
      break;
    case 'preview':
      if (w.error) top.push(...wrap(`Cannot plan: ${w.error}`, 'error'));
      else if (w.plan?.refusal) top.push(...wrap(`Refused: ${w.plan.refusal}`, 'error'));
      else if (w.plan && w.plan.offsets.length === 0) top.push(line('Nothing to reset: the group has no offsets in this scope.', 'warn'));
      else top.push(line(`Plan for ${w.group} (${w.plan?.state}): Enter to confirm, Esc to change it.`));
      break;
    case 'confirm':
      top.push(line(`Type the group name to commit these offsets (Esc: back):`), line(`> ${w.typed}▏`, 'accent'));
      if (w.inputError) top.push(...wrap(w.inputError, 'error'));
      break;
    case 'executing':
      top.push(line(`Committing the new offsets of ${w.group}…`, 'dim'));
      break;
    case 'done':
      if (w.error) top.push(...wrap(`Not applied: ${w.error}`, 'error'));
      else top.push(line(`Committed the new offsets of ${w.group} (${w.plan?.offsets.length ?? 0} partitions).`, 'ok'));
      top.push(line('Enter: reset another group', 'dim'));
      break;
  }
  for (const warning of w.plan?.warnings ?? []) bottom.push(...wrap(`warning: ${warning}`, 'warn'));
  const tableHeight = showPlan ? Math.max(0, height - top.length - 2 - bottom.length) : 0;
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[...top, line('')]} height={showPlan ? top.length + 1 : height} width={width} color={color} />
      {showPlan && (
        <>
          <Lines lines={[rule(`plan: ${w.plan!.offsets.length} partitions`, width)]} height={1} width={width} color={color} />
          <Table columns={planColumns} rows={w.plan!.offsets} cursor={null} height={tableHeight} width={width} color={color} empty="No partitions in this scope." />
          <Lines lines={bottom} height={Math.max(0, height - top.length - 2 - tableHeight)} width={width} color={color} />
        </>
      )}
    </Box>
  );
}
