import { Box } from 'ink';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatCount, formatRate } from '../layout/format.js';
import { cursorOf, visibleItems } from '../state/lists.js';
import type { TopicRow } from '../state/overview-state.js';
import type { PartitionInfo } from '../state/snapshots.js';
import { RecordsView } from './records-view.js';
import type { ViewProps } from './view-props.js';

const topicColumns: Array<ColumnSpec<TopicRow>> = [
  { title: 'TOPIC', min: 14, max: 60, priority: 0, value: (t) => t.name },
  { title: 'PARTS', min: 5, priority: 1, align: 'right', value: (t) => String(t.partitions) },
  { title: 'RF', min: 2, priority: 3, align: 'right', value: (t) => String(t.replicationFactor) },
  { title: 'OFFSETS', min: 8, priority: 2, align: 'right', value: (t) => formatCount(t.offsets) },
  { title: 'IN/S', min: 6, priority: 1, align: 'right', value: (t) => formatRate(t.inRate) },
  { title: 'OUT/S', min: 6, priority: 1, align: 'right', value: (t) => formatRate(t.outRate) },
  { title: 'GROUPS', min: 6, priority: 4, align: 'right', value: (t) => String(t.consumerGroups) },
  { title: 'URP', min: 3, priority: 2, align: 'right', value: (t) => String(t.underReplicated) },
  { title: 'OFFLINE', min: 7, priority: 5, align: 'right', value: (t) => String(t.offline) },
];

const partitionColumns: Array<ColumnSpec<PartitionInfo>> = [
  { title: 'PARTITION', min: 9, priority: 0, align: 'right', value: (p) => String(p.partition) },
  { title: 'LEADER', min: 6, priority: 0, align: 'right', value: (p) => (p.leader === null ? 'none' : String(p.leader)) },
  { title: 'REPLICAS', min: 8, max: 24, priority: 2, value: (p) => p.replicas.join(',') },
  { title: 'ISR', min: 5, max: 24, priority: 1, value: (p) => p.isr.join(',') || '-' },
  { title: 'START', min: 6, priority: 3, align: 'right', value: (p) => formatCount(p.start) },
  { title: 'END', min: 6, priority: 1, align: 'right', value: (p) => formatCount(p.end) },
  { title: 'OFFSETS', min: 8, priority: 2, align: 'right', value: (p) => (p.start === null || p.end === null ? '-' : formatCount(p.end - p.start)) },
  { title: 'STATE', min: 8, max: 16, priority: 1, value: (p) => (p.leader === null ? 'OFFLINE' : p.isr.length < p.replicas.length ? 'UNDER-REPL' : 'ok') },
];

/**
 * Topics with partitions, RF, offset span and in/out rates; Enter shows a topic's partitions,
 * Enter there its latest records (records-view.tsx). The span is offsets, not records (transaction markers take offsets): counting records means
 * reading them, which `topic describe` does and a 1 Hz view of every topic must not.
 */
export function TopicsView({ state, width, height, color }: ViewProps) {
  if (state.openTopic === null) {
    return (
      <Table
        columns={topicColumns}
        rows={visibleItems(state, 'topics')}
        cursor={cursorOf(state, 'topics')}
        height={height}
        width={width}
        color={color}
        empty={state.overview.at === null ? (state.overview.error ? 'No data yet (see the status line).' : 'Loading topics…') : 'No topics match.'}
      />
    );
  }
  if (state.records) return <RecordsView state={state} width={width} height={height} color={color} />;
  const t = state.overview.topics.find((x) => x.name === state.openTopic);
  const title = t
    ? `Topic ${t.name}: ${t.partitions} partitions, RF ${t.replicationFactor}, ${formatCount(t.offsets)} offsets, in ${formatRate(t.inRate)}/s, out ${formatRate(t.outRate)}/s`
    : `Topic ${state.openTopic}: not in the last refresh (deleted?)`;
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[{ text: title, tone: 'heading' }]} height={2} width={width} color={color} />
      <Table
        columns={partitionColumns}
        rows={visibleItems(state, 'topic-partitions')}
        cursor={cursorOf(state, 'topic-partitions')}
        height={height - 2}
        width={width}
        color={color}
        empty="No partitions match."
      />
    </Box>
  );
}
