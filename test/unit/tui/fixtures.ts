import type { BrowseResult, BrowsedRecord } from '../../../src/dlq/dlq-browse.js';
import type { DlqSummary } from '../../../src/dlq/dlq-summary.js';
import type { RedriveSummary } from '../../../src/dlq/redrive-job.js';
import type { GroupSample } from '../../../src/lag/compute-lag.js';
import type { GroupResetPlan } from '../../../src/offsets/plan-offset-reset.js';
import type { RecordView } from '../../../src/records/record-json.js';
import type { SubjectSummary } from '../../../src/schema/subject-admin.js';
import type { GroupXray } from '../../../src/tui/data/group-xray.js';
import type { DashboardAction, KeyPress } from '../../../src/tui/state/dashboard-actions.js';
import { dashboardReducer } from '../../../src/tui/state/dashboard-reducer.js';
import { type DashboardState, initialState } from '../../../src/tui/state/dashboard-state.js';
import type { OverviewSnapshot, ServiceRow } from '../../../src/tui/state/snapshots.js';

/*
 * Fixture data for the reducer and component tests. These test how the dashboard presents
 * and navigates data; they make no claim about Kafka (the tmux test runs the real thing).
 */

export const T0 = 1_700_000_000_000;

export const LONG_TOPIC = 'zz.orders.with-a-very-long-topic-name-that-cannot-fit-in-a-narrow-terminal';

export function overview(takenAt = T0, opts: { committed?: bigint; end?: bigint; partitions?: number } = {}): OverviewSnapshot {
  const n = opts.partitions ?? 3;
  const end = opts.end ?? 1_000n;
  const committed = opts.committed ?? 400n;
  const parts = Array.from({ length: n }, (_, partition) => ({ partition, leader: 1, replicas: [1, 2], isr: partition === 1 ? [1] : [1, 2], start: 0, end: Number(end) }));
  const sample = (group: string, state: string, members: number, topic: string): GroupSample => ({
    group,
    state,
    members,
    takenAt,
    partitions: parts.map((p) => ({ topic, partition: p.partition, committed, end, nextRecordTimestamp: committed < end ? takenAt - 42_000 : null })),
  });
  return {
    takenAt,
    brokers: [
      { id: 1, host: 'kafka-1.internal', port: 9092 },
      { id: 2, host: 'kafka-2.internal', port: 9092 },
    ],
    controller: 2,
    topics: [
      { name: 'checkout.orders', internal: false, partitions: parts },
      { name: 'checkout.payments', internal: false, partitions: parts.map((p) => ({ ...p, isr: [1, 2] })) },
      { name: LONG_TOPIC, internal: false, partitions: parts.map((p) => ({ ...p, isr: [1, 2] })) },
      { name: '__consumer_offsets', internal: true, partitions: [{ partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], start: 0, end: 10 }] },
    ],
    groups: [sample('payment-service', 'Stable', 2, 'checkout.orders'), sample('inventory-service', 'Empty', 0, 'checkout.orders'), sample('audit', 'Empty', 0, 'checkout.payments')],
  };
}

export function dlqTopics(): DlqSummary[] {
  return [
    { topic: 'checkout.payment.dlq', depth: 12, offsets: 30, oldest: '2024-05-01T12:00:00.000Z', newest: '2024-05-01T12:30:00.000Z', errors: { UnknownSchemaIdError: 7, 'com.acme.GatewayTimeoutException': 5 }, sampled: 12, parked: 3 },
    { topic: 'checkout.shipping.dlq', depth: 0, offsets: 0, oldest: null, newest: null, errors: {}, sampled: 0, parked: 0 },
  ];
}

/** payment-service's X-ray: two members, two retry stages and two DLQs. */
export function groupXray(group = 'payment-service', over: Partial<GroupXray> = {}): GroupXray {
  return {
    group,
    state: 'Stable',
    members: [
      { memberId: 'payment-1-5f0c2a7e-8d1b-4c3e-9a6f-0b2d4e6f8a1c', clientId: 'payment-1', host: '/10.0.4.17', assignment: [{ topic: 'checkout.orders', partitions: [0, 1] }] },
      { memberId: 'payment-2-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', clientId: 'payment-2', host: '/10.0.4.18', assignment: [{ topic: 'checkout.orders', partitions: [2] }] },
    ],
    topics: ['checkout.orders'],
    queues: [
      { kind: 'retry', topic: 'checkout.payment.retry.5s', depth: 3, offsets: 3, errors: { 'com.acme.GatewayTimeoutException': 3 } },
      { kind: 'retry', topic: 'checkout.payment.retry.30s', depth: 0, offsets: 0, errors: {} },
      { kind: 'dlq', topic: 'checkout.orders.dlq', depth: 1, offsets: 1, errors: { 'com.acme.BadOrder': 1 } },
      { kind: 'dlq', topic: 'checkout.payment.dlq', depth: 12, offsets: 30, errors: { UnknownSchemaIdError: 7, 'com.acme.GatewayTimeoutException': 5 } },
    ],
    subjects: ['checkout.orders-com.streamflow.checkout.OrderCreated'],
    ...over,
  };
}

export function browsedRecord(partition: number, offset: number, over: Partial<BrowsedRecord> = {}): BrowsedRecord {
  return {
    partition,
    offset: String(offset),
    timestamp: '2024-05-01T12:00:00.000Z',
    key: `order-${offset}`,
    original: { topic: 'checkout.orders', partition: 3, offset: String(1000 + offset) },
    error: { class: 'com.acme.GatewayTimeoutException', message: `gateway timed out after 3 attempts on order-${offset}` },
    value: { order_id: `order-${offset}`, total_minor: 1299, currency: 'EUR' },
    valueError: null,
    headers: { 'kafka_dlt-original-topic': 'checkout.orders', 'streamflow.service': 'payment' },
    context: {
      convention: 'spring',
      consumerGroup: 'payment-service',
      service: 'payment',
      attempts: 3,
      firstFailure: null,
      lastFailure: null,
      originalTimestamp: null,
      causeClass: null,
      connector: null,
      redriveCount: 0,
      redriveJob: null,
    },
    problems: [],
    ...over,
  };
}

export function browseResult(topic = 'checkout.payment.dlq', n = 3): BrowseResult {
  return { topic, records: Array.from({ length: n }, (_, i) => browsedRecord(0, i)), scanned: n, truncated: false };
}

export function topicRecord(partition: number, offset: number, over: Partial<RecordView> = {}): RecordView {
  return {
    topic: 'checkout.orders',
    partition,
    offset,
    timestamp: T0 - offset * 1_000,
    key: `order-${partition}-${offset}`,
    keyFormat: 'text',
    value: { order_id: `order-${partition}-${offset}`, customer: { id: `c-${offset}`, email: `buyer${offset}@example.com` }, total_minor: 1299 + offset, currency: 'EUR' },
    valueFormat: 'avro',
    valueSchemaId: 16,
    headers: { traceparent: `00-trace-${offset}-01`, 'streamflow.service': 'checkout' },
    ...over,
  };
}

/** A topic's latest records as the source answers: newest first, over three partitions, one value undecodable. */
export function latestRecords(n = 9): RecordView[] {
  return Array.from({ length: n }, (_, i) => topicRecord(i % 3, 100 - i, i === 4 ? { value: 'AAAAABBeyJzdHJheSI=', valueFormat: 'base64', valueError: 'schema id 1040 is not in the registry' } : {}));
}

export function redriveSummary(over: Partial<RedriveSummary> = {}): RedriveSummary {
  return {
    jobId: 'a1b2c3d4e5f60708',
    group: 'streamflow-redrive-a1b2c3d4e5f60708',
    topic: 'checkout.payment.dlq',
    executed: false,
    planned: 2,
    redriven: 0,
    skipped: 0,
    byTarget: { 'checkout.orders': 2 },
    byErrorClass: { 'com.acme.GatewayTimeoutException': 2 },
    skippedBy: { 'max-redrives': 0, invalid: 0, 'no-target': 0 },
    scanned: 3,
    remaining: 0,
    remainingOffsets: 0,
    resumed: false,
    previouslyRedriven: 0,
    interrupted: false,
    ...over,
  };
}

export function resetPlan(group: string, over: Partial<GroupResetPlan> = {}): GroupResetPlan {
  return {
    group,
    state: 'Empty',
    activeMembers: [],
    refusal: null,
    offsets: [
      { topic: 'checkout.orders', partition: 0, current: 400n, target: 0n },
      { topic: 'checkout.orders', partition: 1, current: 400n, target: 0n },
    ],
    warnings: [],
    ...over,
  };
}

export function subjects(): SubjectSummary[] {
  return [
    { subject: 'checkout.orders-com.streamflow.checkout.OrderCreated', version: 3, id: 16, compatibility: 'BACKWARD' },
    { subject: 'checkout.shipments-value', version: 1, id: 22, compatibility: 'FULL_TRANSITIVE' },
  ];
}

export function serviceRows(): ServiceRow[] {
  return ['payment', 'inventory', 'shipping', 'notification'].map((service, i) => ({
    service,
    ratePerSec: 1200 + i,
    processed: 98_000 + i,
    duplicates: 12,
    retried: 340,
    forwarded: 25,
    deadLettered: 7,
    parked: 1,
    batchLatencyMsAvg: 14,
    lag: 90,
  }));
}

export function state(columns = 120, rows = 40): DashboardState {
  return initialState({ size: { columns, rows } });
}

/** Apply actions in order. */
export function run(s: DashboardState, ...actions: DashboardAction[]): DashboardState {
  return actions.reduce(dashboardReducer, s);
}

/** A key as Ink's useInput reports it: printable text, or a named key. */
export function key(input: string, k: KeyPress = {}): DashboardAction {
  return { type: 'key', input, key: k };
}

export const keys = {
  enter: key('', { return: true }),
  escape: key('', { escape: true, meta: true }),
  tab: key('', { tab: true }),
  shiftTab: key('', { tab: true, shift: true }),
  down: key('', { downArrow: true }),
  up: key('', { upArrow: true }),
  backspace: key('', { backspace: true }),
  ctrlC: key('c', { ctrl: true }),
};

export function typed(text: string): DashboardAction[] {
  return [...text].map((ch) => key(ch));
}

/** A state with data in every view. */
export function loaded(columns = 120, rows = 40): DashboardState {
  return run(
    state(columns, rows),
    { type: 'overview', snapshot: overview(T0) },
    { type: 'overview', snapshot: overview(T0 + 2_000, { committed: 500n, end: 1_100n }) },
    { type: 'dlq-topics', at: T0, topics: dlqTopics() },
    { type: 'subjects', at: T0, subjects: subjects() },
    { type: 'services', at: T0, reading: { source: 'live', rows: serviceRows() } },
  );
}
