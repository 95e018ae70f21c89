import { Box } from 'ink';
import { bodySize } from '../layout/body-size.js';
import type { DashboardState } from '../state/dashboard-state.js';
import { ClusterView } from '../views/cluster-view.js';
import { DlqView } from '../views/dlq-view.js';
import { GroupsView } from '../views/groups-view.js';
import { OffsetsView } from '../views/offsets-view.js';
import { SchemasView } from '../views/schemas-view.js';
import { ServicesView } from '../views/services-view.js';
import { TopicsView } from '../views/topics-view.js';
import type { ViewProps } from '../views/view-props.js';
import { footerLine, headerLine, statusLine, tabsLine } from './chrome.js';
import { helpFrame } from './help.js';
import { Lines } from './lines.js';

const VIEW_COMPONENTS = {
  cluster: ClusterView,
  topics: TopicsView,
  groups: GroupsView,
  dlq: DlqView,
  offsets: OffsetsView,
  schemas: SchemasView,
  services: ServicesView,
} satisfies Record<DashboardState['view'], (p: ViewProps) => unknown>;

export interface ScreenProps {
  state: DashboardState;
  /** Context and brokers, for the header. */
  label: string;
  refreshMs: number;
  color: boolean;
}

/**
 * The whole frame, one line short of the terminal's height (a full-height frame makes Ink
 * clear the screen on every render): header, tabs, the view, status line, key hints.
 */
export function Screen({ state, label, refreshMs, color }: ScreenProps) {
  const { columns: width, rows: body } = bodySize(state.size);
  const height = body + 4;
  const View = VIEW_COMPONENTS[state.view];
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Lines lines={[headerLine(state, label, refreshMs, width), tabsLine(state, width)]} height={2} width={width} color={color} />
      {state.help ? <Lines lines={helpFrame(state, width, body)} height={body} width={width} color={color} /> : <View state={state} width={width} height={body} color={color} />}
      <Lines lines={[statusLine(state, width), footerLine(state, width)]} height={2} width={width} color={color} />
    </Box>
  );
}
