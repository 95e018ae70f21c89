import { describe, expect, it } from 'vitest';
import { type HeaderEntry, decodeDeadLetter, isDeadLetterContextHeader, simpleClassName } from '../../../src/dlq/dlq-envelope.js';
import { CONNECT, SPRING, STREAMFLOW, encodeDeadLetterHeaders } from '../../../src/dlq/dlq-headers.js';

const ctx = {
  originalTopic: 'checkout.orders',
  originalPartition: 7,
  originalOffset: '9007199254740993',
  originalTimestamp: String(Date.UTC(2024, 4, 1, 12)),
  consumerGroup: 'payment-service',
  errorClass: 'UnknownSchemaIdError',
  errorMessage: 'unknown schema id 9999',
  stack: 'UnknownSchemaIdError: unknown schema id 9999\n    at decodeFramed',
  service: 'payment',
  attempts: 4,
  firstFailure: '2024-05-01T12:00:01.000Z',
  lastFailure: '2024-05-01T12:00:09.000Z',
};

const entries = (h: Record<string, Buffer>, own: HeaderEntry[] = []): HeaderEntry[] => [...own, ...Object.entries(h).map(([key, value]) => ({ key, value }))];
const text = (key: string, value: string): HeaderEntry => ({ key, value: Buffer.from(value) });

describe('decodeDeadLetter', () => {
  it("decodes what streamflow writes (Spring's binary encodings plus streamflow.*)", () => {
    const e = decodeDeadLetter(entries(encodeDeadLetterHeaders(ctx), [text('event_id', 'e-1')]));
    expect(e).toMatchObject({
      convention: 'spring',
      original: { topic: 'checkout.orders', partition: 7, offset: '9007199254740993', timestamp: '2024-05-01T12:00:00.000Z' },
      consumerGroup: 'payment-service',
      error: { class: 'UnknownSchemaIdError', message: 'unknown schema id 9999', causeClass: null },
      service: 'payment',
      attempts: 4,
      firstFailure: ctx.firstFailure,
      lastFailure: ctx.lastFailure,
      redrive: { job: null, count: 0 },
      problems: [],
    });
    expect(e.error.stacktrace).toContain('at decodeFramed');
    expect(e.headers).toMatchObject({
      event_id: 'e-1',
      [SPRING.partition]: '7',
      [SPRING.offset]: '9007199254740993',
      [SPRING.timestamp]: '2024-05-01T12:00:00.000Z',
      [SPRING.exceptionClass]: 'UnknownSchemaIdError',
    });
  });

  it("decodes Kafka Connect's __connect.errors.* text headers", () => {
    const e = decodeDeadLetter([
      text(CONNECT.topic, 'orders'),
      text(CONNECT.partition, '3'),
      text(CONNECT.offset, '1234'),
      text(CONNECT.exceptionClass, 'org.apache.kafka.connect.errors.DataException'),
      text(CONNECT.exceptionMessage, 'Converting byte[] to Kafka Connect data failed'),
      text(CONNECT.exceptionStacktrace, 'trace'),
      text(CONNECT.connector, 'jdbc-sink'),
    ]);
    expect(e).toMatchObject({
      convention: 'connect',
      original: { topic: 'orders', partition: 3, offset: '1234', timestamp: null },
      error: { class: 'org.apache.kafka.connect.errors.DataException', message: 'Converting byte[] to Kafka Connect data failed', stacktrace: 'trace' },
      connector: 'jdbc-sink',
      problems: [],
    });
  });

  it("prefers Spring's headers over Connect's; takes the original from the first copy and the error from the last", () => {
    const first = encodeDeadLetterHeaders(ctx);
    const second = encodeDeadLetterHeaders({ ...ctx, originalTopic: 'checkout.orders.retry', originalPartition: 1, errorClass: 'TimeoutError', errorMessage: 'late' });
    const e = decodeDeadLetter([...entries(first), ...entries(second), text(CONNECT.topic, 'connect-topic')]);
    expect(e.original).toMatchObject({ topic: 'checkout.orders', partition: 7 });
    expect(e.error).toMatchObject({ class: 'TimeoutError', message: 'late' });
    expect(e.headers[SPRING.topic]).toEqual(['checkout.orders', 'checkout.orders.retry']);
  });

  it('falls back to Spring key-exception headers and reads redrive provenance', () => {
    const e = decodeDeadLetter([text('kafka_dlt-key-exception-fqcn', 'org.x.KeyDeserializationException'), text(STREAMFLOW.redriveJob, 'job-1'), text(STREAMFLOW.redriveCount, '2')]);
    expect(e.error.class).toBe('org.x.KeyDeserializationException');
    expect(e.redrive).toEqual({ job: 'job-1', count: 2 });
  });

  it('never throws on malformed headers: wrong byte lengths, non-UTF-8, nulls, garbage numbers', () => {
    const badUtf8 = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f]);
    const e = decodeDeadLetter([
      { key: SPRING.partition, value: Buffer.from([0, 1]) },
      { key: SPRING.offset, value: Buffer.from([1, 2, 3]) },
      { key: SPRING.timestamp, value: Buffer.alloc(5) },
      { key: SPRING.topic, value: badUtf8 },
      { key: SPRING.exceptionClass, value: null },
      text(STREAMFLOW.attempts, 'many'),
      text(STREAMFLOW.redriveCount, '-'),
      { key: 'binary-own-header', value: Buffer.from([0xc3, 0x28]) },
    ]);
    expect(e.original).toEqual({ topic: 'fo\ufffd\ufffdo', partition: null, offset: null, timestamp: null });
    expect(e.error.class).toBeNull();
    expect(e.attempts).toBeNull();
    expect(e.redrive.count).toBe(0);
    expect(e.problems).toEqual([
      'kafka_dlt-original-timestamp has 5 bytes; Spring writes an 8-byte big-endian long',
      'kafka_dlt-original-topic is not UTF-8 text (5 bytes)',
      'kafka_dlt-original-partition has 2 bytes; Spring writes a 4-byte big-endian int',
      'kafka_dlt-original-offset has 3 bytes; Spring writes an 8-byte big-endian long',
      'streamflow.attempts is not a whole number',
      'streamflow.redrive-count is not a whole number',
    ]);
    expect(e.headers['binary-own-header']).toBe('base64:wyg=');
    expect(e.headers[SPRING.partition]).toBe('base64:AAE=');
    expect(e.headers[SPRING.exceptionClass]).toBeNull();
  });

  it('accepts decimal text where Spring expects binary numbers (non-Java writers)', () => {
    const e = decodeDeadLetter([text(SPRING.partition, '12'), text(SPRING.offset, '345')]);
    expect(e.original).toMatchObject({ partition: 12, offset: '345' });
    expect(e.problems).toEqual([]);
  });

  it('is empty, not failing, for a record without context headers', () => {
    expect(decodeDeadLetter([])).toMatchObject({ convention: null, original: { topic: null }, error: { class: null }, headers: {}, problems: [] });
  });
});

describe('context headers and class names', () => {
  it('knows which headers are DLQ context (dropped on redrive)', () => {
    for (const h of [SPRING.topic, 'kafka_dlt-key-exception-fqcn', CONNECT.connector, STREAMFLOW.service, STREAMFLOW.redriveCount]) expect(isDeadLetterContextHeader(h), h).toBe(true);
    for (const h of ['event_id', 'traceparent', 'streamflow.run-id']) expect(isDeadLetterContextHeader(h), h).toBe(false);
  });

  it('simple class names', () => {
    expect(simpleClassName('org.springframework.kafka.support.serializer.DeserializationException')).toBe('DeserializationException');
    expect(simpleClassName('a.B$Inner')).toBe('Inner');
    expect(simpleClassName('UnknownSchemaIdError')).toBe('UnknownSchemaIdError');
  });
});
