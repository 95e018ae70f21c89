import { Box } from 'ink';
import type { WatchedGroup } from '../../lag/lag-verdict.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatCount, formatDuration, formatEta, formatRate } from '../layout/format.js';
import { sparkline } from '../layout/sparkline.js';
import { cursorOf, visibleItems } from '../state/lists.js';
import { type DashboardPartition, LAG_HISTORY } from '../state/overview-state.js';
import type { ViewProps } from './view-props.js';
import { XrayView } from './xray-view.js';

export const groupColumns: Array<ColumnSpec<WatchedGroup>> = [
  { title: 'GROUP', min: 14, max: 60, priority: 0, value: (g) => g.group },
  { title: 'STATE', min: 6, max: 19, priority: 1, value: (g) => g.state },
  { title: 'MEMBERS', min: 7, priority: 2, align: 'right', value: (g) => String(g.members) },
  { title: 'LAG', min: 7, priority: 0, align: 'right', value: (g) => formatCount(g.totalLag) },
  { title: 'TIME LAG', min: 8, priority: 1, align: 'right', value: (g) => formatDuration(g.maxLagMs) },
  { title: 'RATE/S', min: 6, priority: 3, align: 'right', value: (g) => formatRate(g.rate) },
  { title: 'ETA', min: 9, priority: 2, align: 'right', value: (g) => formatEta(g.etaMs, g.totalLag) },
  { title: 'VERDICT', min: 7, priority: 2, value: (g) => g.status ?? '-' },
];

const partitionColumns: Array<ColumnSpec<DashboardPartition>> = [
  { title: 'TOPIC', min: 12, max: 50, priority: 0, value: (p) => p.topic },
  { title: 'P', min: 3, priority: 0, align: 'right', value: (p) => String(p.partition) },
  { title: 'COMMITTED', min: 9, priority: 3, align: 'right', value: (p) => (p.committed === null ? '-' : formatCount(Number(p.committed))) },
  { title: 'END', min: 7, priority: 4, align: 'right', value: (p) => formatCount(Number(p.end)) },
  { title: 'LAG', min: 6, priority: 0, align: 'right', value: (p) => formatCount(p.lag) },
  { title: 'LAG HISTORY', min: 12, max: 40, natural: LAG_HISTORY, priority: 1, value: (p, w) => sparkline(p.history.values(), w) },
  { title: 'TIME LAG', min: 8, priority: 1, align: 'right', value: (p) => formatDuration(p.lagMs) },
  { title: 'RATE/S', min: 6, priority: 5, align: 'right', value: (p) => formatRate(p.rate) },
  { title: 'ETA', min: 9, priority: 2, align: 'right', value: (p) => formatEta(p.etaMs, p.lag) },
];

/** Groups with state, members, lag, time lag and ETA; Enter shows partitions with their lag history, x the group's X-ray. */
export function GroupsView(props: ViewProps) {
  return props.state.xray ? <XrayView {...props} /> : <GroupList {...props} />;
}

function GroupList({ state, width, height, color }: ViewProps) {
  const open = state.openGroup;
  if (open === null) {
    return (
      <Table
        columns={groupColumns}
        rows={visibleItems(state, 'groups')}
        cursor={cursorOf(state, 'groups')}
        height={height}
        width={width}
        color={color}
        empty={state.overview.at === null ? (state.overview.error ? 'No data yet (see the status line).' : 'Loading consumer groups…') : 'No consumer groups match.'}
      />
    );
  }
  const g = state.overview.groups.find((x) => x.group === open);
  const title = g
    ? `Group ${g.group}: ${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}, lag ${formatCount(g.totalLag)}` +
      (g.maxLagMs ? ` (${formatDuration(g.maxLagMs)} behind)` : '') +
      (g.rate !== null ? `, ${formatRate(g.rate)}/s` : '') +
      `, ETA ${formatEta(g.etaMs, g.totalLag)}` +
      (g.status ? ` - ${g.status}: ${g.reason}` : '')
    : `Group ${open}: not in the last refresh`;
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[{ text: title, tone: 'heading' }]} height={2} width={width} color={color} />
      <Table
        columns={partitionColumns}
        rows={visibleItems(state, 'group-partitions')}
        cursor={cursorOf(state, 'group-partitions')}
        height={height - 2}
        width={width}
        color={color}
        empty="No partitions match."
      />
    </Box>
  );
}
