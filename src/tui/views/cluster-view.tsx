import { Box } from 'ink';
import type { BrokerInfo } from '../../kafka/topic-admin.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatCount } from '../layout/format.js';
import type { UnderReplicatedPartition } from '../state/overview-state.js';
import type { ViewProps } from './view-props.js';

const brokerColumns = (controller: number | null): Array<ColumnSpec<BrokerInfo>> => [
  { title: 'BROKER', min: 6, priority: 0, align: 'right', value: (b) => String(b.id) },
  { title: 'HOST:PORT', min: 12, max: 60, priority: 0, value: (b) => `${b.host}:${b.port}` },
  { title: 'ROLE', min: 10, priority: 1, value: (b) => (b.id === controller ? 'controller' : 'broker') },
];

const urpColumns: Array<ColumnSpec<UnderReplicatedPartition>> = [
  { title: 'TOPIC', min: 12, priority: 0, value: (p) => p.topic },
  { title: 'PARTITION', min: 9, priority: 0, align: 'right', value: (p) => String(p.partition) },
  { title: 'LEADER', min: 6, priority: 1, align: 'right', value: (p) => (p.leader === null ? 'none' : String(p.leader)) },
  { title: 'REPLICAS', min: 8, max: 30, priority: 2, value: (p) => p.replicas.join(',') },
  { title: 'ISR', min: 5, max: 30, priority: 1, value: (p) => p.isr.join(',') || '-' },
];

/** Brokers, the controller, topic and partition counts, and the under-replicated partitions. */
export function ClusterView({ state, width, height, color }: ViewProps) {
  const c = state.overview.cluster;
  if (!c) return <Lines lines={[{ text: state.overview.error ? 'No cluster data yet (see the status line).' : 'Loading the cluster…', tone: 'dim' }]} height={height} width={width} color={color} />;
  const summary = [
    `${c.brokers.length} broker${c.brokers.length === 1 ? '' : 's'} · controller ${c.controller ?? 'unknown'}`,
    `${formatCount(c.topics)} topics (+${c.internalTopics} internal) · ${formatCount(c.partitions)} partitions`,
    `under-replicated ${c.underReplicated.length} · offline ${c.offline}`,
  ];
  const brokersHeight = Math.min(c.brokers.length + 1, Math.max(2, Math.floor((height - 5) / 2)));
  const urpHeight = Math.max(0, height - summary.length - brokersHeight - 2);
  return (
    <Box flexDirection="column" height={height}>
      <Lines
        lines={summary.map((text, i) => ({ text, tone: i === 2 && (c.underReplicated.length > 0 || c.offline > 0) ? 'warn' : 'plain' }))}
        height={summary.length + 1}
        width={width}
        color={color}
      />
      <Table columns={brokerColumns(c.controller)} rows={c.brokers} cursor={null} height={brokersHeight} width={width} color={color} empty="no brokers" />
      <Lines lines={[{ text: '' }]} height={1} width={width} color={color} />
      <Table columns={urpColumns} rows={c.underReplicated} cursor={null} height={urpHeight} width={width} color={color} empty="No under-replicated partitions." />
    </Box>
  );
}
