import { describe, expect, it } from 'vitest';
import { toDeadLetterRecord } from '../../../src/dlq/dead-letter-record.js';
import { SPRING, STREAMFLOW, encodeDeadLetterHeaders } from '../../../src/dlq/dlq-headers.js';
import { isDlqTopicName, newestRecords, summarizeDlq } from '../../../src/dlq/dlq-summary.js';
import { RedriveTally, checkpointMetadata, decideRedrive, redriveGroup, redriveHeaders, redriveJobId, redrivenOf } from '../../../src/dlq/redrive-plan.js';

function dlqRecord(opts: { key?: Buffer | null; redriveCount?: number; originalTopic?: string | null; errorClass?: string; timestamp?: number } = {}) {
  const context = encodeDeadLetterHeaders({
    originalTopic: opts.originalTopic ?? 'checkout.orders',
    originalPartition: 5,
    originalOffset: '17',
    originalTimestamp: '0',
    consumerGroup: 'payment-service',
    errorClass: opts.errorClass ?? 'AvroDecodeError',
    errorMessage: 'truncated',
    stack: '',
    service: 'payment',
    attempts: 3,
    firstFailure: 'a',
    lastFailure: 'b',
  });
  if (opts.originalTopic === null) delete context[SPRING.topic];
  const headers = [
    { key: 'event_id', value: Buffer.from('e-1') },
    { key: 'trace', value: Buffer.from('t1') },
    { key: 'trace', value: Buffer.from('t2') },
    ...Object.entries(context).map(([key, value]) => ({ key, value })),
    ...(opts.redriveCount !== undefined ? [{ key: STREAMFLOW.redriveCount, value: Buffer.from(String(opts.redriveCount)) }, { key: STREAMFLOW.redriveJob, value: Buffer.from('old') }] : []),
  ];
  return toDeadLetterRecord({ topic: 'checkout.payment.dlq', partition: 0, offset: 9n, timestamp: opts.timestamp ?? 1000, key: opts.key === undefined ? Buffer.from('o-1') : opts.key, value: Buffer.from([0, 0, 0, 0, 1, 2]), headers });
}

const rules = { jobId: 'job-1', maxRedrives: 3 };

describe('redrive decisions', () => {
  it('sends the key, value and own headers back to the original topic, with provenance headers', () => {
    const d = decideRedrive(dlqRecord({ redriveCount: 1 }), rules, null);
    expect(d.action).toBe('send');
    if (d.action !== 'send') return;
    expect(d.message).toMatchObject({ topic: 'checkout.orders', key: Buffer.from('o-1'), value: Buffer.from([0, 0, 0, 0, 1, 2]) });
    expect(d.message.partition).toBeUndefined();
    expect(Object.keys(d.message.headers)).toEqual(['event_id', 'trace', STREAMFLOW.redriveJob, STREAMFLOW.redriveCount]);
    expect(d.message.headers.trace).toEqual([Buffer.from('t1'), Buffer.from('t2')]);
    expect(d.message.headers[STREAMFLOW.redriveJob]).toEqual(Buffer.from('job-1'));
    expect(d.message.headers[STREAMFLOW.redriveCount]).toEqual(Buffer.from('2'));
  });

  it('--to overrides the target; an unkeyed record keeps its original partition only on its own topic', () => {
    const to = decideRedrive(dlqRecord(), { ...rules, to: 'replay' }, null);
    expect(to.action === 'send' && to.message.topic).toBe('replay');
    const unkeyed = decideRedrive(dlqRecord({ key: null }), rules, null);
    expect(unkeyed.action === 'send' && unkeyed.message.partition).toBe(5);
    const unkeyedElsewhere = decideRedrive(dlqRecord({ key: null }), { ...rules, to: 'replay' }, null);
    expect(unkeyedElsewhere.action === 'send' && unkeyedElsewhere.message.partition).toBeUndefined();
  });

  it('skips records at the redrive cap, without a target, or failing validation', () => {
    expect(decideRedrive(dlqRecord({ redriveCount: 3 }), rules, true)).toEqual({ action: 'skip', reason: 'max-redrives' });
    expect(decideRedrive(dlqRecord({ redriveCount: 2 }), rules, true).action).toBe('send');
    expect(decideRedrive(dlqRecord({ originalTopic: null }), rules, null)).toEqual({ action: 'skip', reason: 'no-target' });
    expect(decideRedrive(dlqRecord(), rules, false)).toEqual({ action: 'skip', reason: 'invalid' });
    expect(decideRedrive(dlqRecord(), { ...rules, maxRedrives: 0 }, null)).toEqual({ action: 'skip', reason: 'max-redrives' });
  });

  it('drops every DLQ context header, keeps null-free own headers', () => {
    const h = redriveHeaders([{ key: SPRING.exceptionClass, value: Buffer.from('x') }, { key: '__connect.errors.topic', value: Buffer.from('t') }, { key: 'own', value: null }, { key: 'k', value: Buffer.from('v') }], 'j', 1);
    expect(Object.keys(h)).toEqual(['k', STREAMFLOW.redriveJob, STREAMFLOW.redriveCount]);
  });

  it('tallies by target, error class and skip reason', () => {
    const t = new RedriveTally();
    for (const r of [dlqRecord(), dlqRecord({ errorClass: 'BadMagicByteError' }), dlqRecord({ redriveCount: 5 })]) t.count(r, decideRedrive(r, rules, null));
    const u = new RedriveTally();
    u.add(t);
    u.add(t);
    expect(u).toMatchObject({ planned: 4, skipped: 2, byTarget: { 'checkout.orders': 4 }, byErrorClass: { AvroDecodeError: 2, BadMagicByteError: 2 }, skippedBy: { 'max-redrives': 2, invalid: 0, 'no-target': 0 } });
  });
});

describe('redrive job ids', () => {
  it('are stable for the same topic, target and filters (in any order), and differ otherwise', () => {
    const a = redriveJobId('dlq', undefined, ['class=A', 'key=1']);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(redriveJobId('dlq', undefined, ['key=1', 'class=A'])).toBe(a);
    expect(redriveJobId('dlq', 'other', ['class=A', 'key=1'])).not.toBe(a);
    expect(redriveJobId('dlq2', undefined, ['class=A', 'key=1'])).not.toBe(a);
    expect(redriveGroup(a)).toBe(`streamflow-redrive-${a}`);
  });
});

describe('dlq list helpers', () => {
  it('recognises DLQ topic names', () => {
    for (const t of ['checkout.payment.dlq', 'orders-dlt', 'orders.DLT', 'orders-dlq']) expect(isDlqTopicName(t), t).toBe(true);
    for (const t of ['checkout.orders', 'dlq.orders', 'orders.dlqx']) expect(isDlqTopicName(t), t).toBe(false);
  });

  it('summarizes depth, oldest, newest and error classes (most frequent first)', () => {
    const sample = [dlqRecord({ timestamp: 5_000 }), dlqRecord({ errorClass: 'BadMagicByteError', timestamp: 9_000 }), dlqRecord({ errorClass: 'BadMagicByteError', timestamp: 7_000 })];
    expect(summarizeDlq('x.dlq', { records: 6, offsets: 8 }, [{ timestamp: 2_000 }, { timestamp: 1_000 }], sample)).toEqual({
      topic: 'x.dlq',
      depth: 6,
      offsets: 8,
      oldest: new Date(1_000).toISOString(),
      newest: new Date(9_000).toISOString(),
      errors: { BadMagicByteError: 2, AvroDecodeError: 1 },
      sampled: 3,
      parked: 0,
    });
    expect(summarizeDlq('e.dlq', { records: 0, offsets: 0 }, [], [])).toMatchObject({ depth: 0, oldest: null, newest: null, errors: {} });
    expect(summarizeDlq('big.dlq', { records: null, offsets: 200_000 }, [], [])).toMatchObject({ depth: null, offsets: 200_000 });
  });

  it('samples the newest records of the topic by timestamp, across partitions', () => {
    const r = (partition: number, offset: bigint, timestamp: number) => ({ partition, offset, timestamp });
    const all = [r(0, 0n, 1_000), r(0, 1n, 4_000), r(1, 0n, 3_000), r(1, 1n, 5_000), r(2, 7n, 4_000)];
    expect(newestRecords(all, 3)).toEqual([r(1, 1n, 5_000), r(2, 7n, 4_000), r(0, 1n, 4_000)]);
    expect(newestRecords(all, 1)).toEqual([r(1, 1n, 5_000)]);
    expect(newestRecords(all, 10)).toHaveLength(5);
  });
});

describe('redrive checkpoint metadata', () => {
  it("keeps what the job sent from a partition; an older checkpoint's is not recorded", () => {
    expect(redrivenOf(checkpointMetadata(42))).toBe(42);
    expect(redrivenOf(checkpointMetadata(0))).toBe(0);
    for (const old of [null, '', 'not json', '{"redriven":-1}', '{"redriven":"3"}', '{}']) expect(redrivenOf(old), String(old)).toBeNull();
  });
});
