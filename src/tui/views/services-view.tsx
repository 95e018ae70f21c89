import { Box } from 'ink';
import { line } from '../components/line.js';
import { Lines } from '../components/lines.js';
import { Table } from '../components/table.js';
import type { ColumnSpec } from '../layout/fit-columns.js';
import { formatCount, formatRate } from '../layout/format.js';
import { wrapWords } from '../../text/text-width.js';
import { cursorOf, visibleItems } from '../state/lists.js';
import type { ServiceRow } from '../state/snapshots.js';
import type { ViewProps } from './view-props.js';

const serviceColumns: Array<ColumnSpec<ServiceRow>> = [
  { title: 'SERVICE', min: 8, max: 20, priority: 0, value: (r) => r.service },
  { title: 'RATE/S', min: 6, priority: 0, align: 'right', value: (r) => formatRate(r.ratePerSec) },
  { title: 'PROCESSED', min: 9, priority: 0, align: 'right', value: (r) => formatCount(r.processed) },
  { title: 'DUPLICATES', min: 10, priority: 3, align: 'right', value: (r) => formatCount(r.duplicates) },
  { title: 'RETRIES', min: 7, priority: 1, align: 'right', value: (r) => formatCount(r.retried) },
  { title: 'TO RETRY', min: 8, priority: 1, align: 'right', value: (r) => formatCount(r.forwarded) },
  { title: 'DEAD-LETTERED', min: 13, priority: 0, align: 'right', value: (r) => formatCount(r.deadLettered) },
  { title: 'PARKED', min: 6, priority: 1, align: 'right', value: (r) => formatCount(r.parked) },
  { title: 'LAG', min: 6, priority: 2, align: 'right', value: (r) => formatCount(r.lag) },
  { title: 'BATCH MS', min: 8, priority: 4, align: 'right', value: (r) => (r.batchLatencyMsAvg === null ? '-' : String(r.batchLatencyMsAvg)) },
];

const NO_SERVICES =
  'No services attached. Run `streamflow consume --service all --metrics-port 9464` and open the dashboard with --metrics-url http://127.0.0.1:9464/metrics, or run `streamflow demo`, which shows its services here.';

/** The reference services' counters: live from the same process, or scraped from their Prometheus endpoint. */
export function ServicesView({ state, width, height, color }: ViewProps) {
  const { reading, error } = state.services;
  if (reading === null) {
    return <Lines lines={[line(error ? 'No metrics yet (see the status line).' : 'Reading metrics…', 'dim')]} height={height} width={width} color={color} />;
  }
  if (reading.source === 'none') return <Lines lines={wrapWords(NO_SERVICES, width).map((t) => line(t, 'dim'))} height={height} width={width} color={color} />;
  const from = reading.source === 'live' ? 'live, from the services in this process' : `scraped from ${reading.url}`;
  return (
    <Box flexDirection="column" height={height}>
      <Lines lines={[line(`Reference services (${from})`, 'heading')]} height={2} width={width} color={color} />
      <Table
        columns={serviceColumns}
        rows={visibleItems(state, 'services')}
        cursor={cursorOf(state, 'services')}
        height={height - 2}
        width={width}
        color={color}
        empty="No service has reported yet."
      />
    </Box>
  );
}
