import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { decodeDeadLetter } from '../../../src/dlq/dlq-envelope.js';
import { type DlqRecordView, matchesDlqFilters, parseDlqFilter } from '../../../src/dlq/dlq-filter.js';
import { encodeDeadLetterHeaders } from '../../../src/dlq/dlq-headers.js';

const NOW = Date.UTC(2024, 4, 1, 12);

function record(over: { key?: string | null; timestamp?: number; errorClass?: string; message?: string; partition?: number } = {}): DlqRecordView {
  const headers = encodeDeadLetterHeaders({
    originalTopic: 'checkout.orders',
    originalPartition: 3,
    originalOffset: '42',
    originalTimestamp: String(NOW - 60_000),
    consumerGroup: 'payment-service',
    errorClass: over.errorClass ?? 'org.acme.UnknownSchemaIdError',
    errorMessage: over.message ?? 'unknown schema id 9999',
    stack: '',
    service: 'payment',
    attempts: 1,
    firstFailure: '',
    lastFailure: '',
  });
  return {
    partition: over.partition ?? 0,
    timestamp: over.timestamp ?? NOW - 30 * 60_000,
    key: over.key === undefined ? 'o-42' : over.key,
    envelope: decodeDeadLetter([...Object.entries(headers).map(([key, value]) => ({ key, value })), { key: 'tenant', value: Buffer.from('eu') }, { key: 'tenant', value: Buffer.from('us') }]),
  };
}

const match = (exprs: string[], r = record()) => matchesDlqFilters(r, exprs.map((e) => parseDlqFilter(e, NOW)));

describe('--filter expressions', () => {
  it('class= matches the full or the simple class name; ~ is a regex on the full name', () => {
    expect(match(['class=UnknownSchemaIdError'])).toBe(true);
    expect(match(['class=org.acme.UnknownSchemaIdError'])).toBe(true);
    expect(match(['class=SchemaIdError'])).toBe(false);
    expect(match(['class~^org\\.acme\\.'])).toBe(true);
    expect(match(['class!=BadMagicByteError'])).toBe(true);
    expect(match(['class!~Unknown'])).toBe(false);
  });

  it('message, key, topic, service, group, partition', () => {
    expect(match(['message~schema id \\d+'])).toBe(true);
    expect(match(['message=unknown schema id 9999'])).toBe(true);
    expect(match(['key=o-42', 'topic=checkout.orders', 'service=payment', 'group=payment-service', 'partition=0'])).toBe(true);
    expect(match(['key=o-43'])).toBe(false);
    expect(match(['key='], record({ key: null }))).toBe(true);
  });

  it('header.NAME matches any value of a repeated header; a missing header never equals', () => {
    expect(match(['header.tenant=us'])).toBe(true);
    expect(match(['header.tenant!=eu'])).toBe(false);
    expect(match(['header.kafka_dlt-original-partition=3'])).toBe(true);
    expect(match(['header.missing=x'])).toBe(false);
    expect(match(['header.missing!=x'])).toBe(true);
  });

  it('since/until take an ISO time or a duration ago, against the DLQ record time', () => {
    expect(match(['since=1h'])).toBe(true);
    expect(match(['since=10m'])).toBe(false);
    expect(match(['until=10m'])).toBe(true);
    expect(match(['since=2024-05-01T11:00:00Z', 'until=2024-05-01T11:45:00Z'])).toBe(true);
    expect(match(['since=2024-05-01T11:31:00Z'])).toBe(false);
  });

  it('all filters must match (AND)', () => {
    expect(match(['class=UnknownSchemaIdError', 'key=o-42'])).toBe(true);
    expect(match(['class=UnknownSchemaIdError', 'key=o-1'])).toBe(false);
    expect(match([])).toBe(true);
  });

  it('values may contain operators and spaces', () => {
    expect(parseDlqFilter('message=a=b ~ c', NOW)).toMatchObject({ field: 'message', op: '=', value: 'a=b ~ c' });
    expect(parseDlqFilter('header.x-trace!=1', NOW)).toMatchObject({ field: 'header.x-trace', op: '!=', value: '1' });
  });

  it('refuses bad expressions with exit 2', () => {
    for (const bad of ['class', 'colour=red', 'message~(', 'since~1h', 'since=soon', '=x']) expect(() => parseDlqFilter(bad, NOW), bad).toThrow(UsageError);
  });
});
