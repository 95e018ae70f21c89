import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HeaderEntry, decodeDeadLetter } from '../../../src/dlq/dlq-envelope.js';
import { CONNECT, SPRING, STREAMFLOW, encodeDeadLetterHeaders } from '../../../src/dlq/dlq-headers.js';

/*
 * The DLQ header decoders read whatever a DLQ holds: records written by Spring, Kafka Connect,
 * streamflow, or something broken. Property: decoding never throws, whatever the names,
 * repeats, lengths and bytes, and what streamflow writes always decodes back to the same facts.
 */

const KNOWN = [...Object.values(SPRING), ...Object.values(STREAMFLOW), ...Object.values(CONNECT), 'kafka_dlt-key-exception-fqcn', 'event_id'];

const headerValue = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b)),
  fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String), fc.string({ maxLength: 8 })).map((t) => Buffer.from(t)),
  fc.integer({ min: 0, max: 2 }).map((n) => Buffer.alloc([4, 8, 0][n]!, 0xff)),
  fc.constant(null),
);

const headers: fc.Arbitrary<HeaderEntry[]> = fc.array(fc.record({ key: fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 20 })), value: headerValue }), { maxLength: 30 });

const isDecimal = (s: string | null) => s === null || /^-?\d+$/.test(s);
const isSafeIntOrNull = (n: number | null) => n === null || Number.isSafeInteger(n);

describe('DLQ header decoders under hostile input (fast-check)', () => {
  it('decodeDeadLetter never throws and always returns well-typed facts', () => {
    fc.assert(
      fc.property(headers, (h) => {
        const e = decodeDeadLetter(h);
        expect([null, 'spring', 'connect']).toContain(e.convention);
        expect(isSafeIntOrNull(e.original.partition)).toBe(true);
        expect(isDecimal(e.original.offset)).toBe(true);
        expect(e.original.timestamp === null || !Number.isNaN(Date.parse(e.original.timestamp))).toBe(true);
        expect(isSafeIntOrNull(e.attempts)).toBe(true);
        expect(Number.isSafeInteger(e.redrive.count)).toBe(true);
        for (const p of e.problems) expect(typeof p).toBe('string');
        // Every header shows up for display, repeated names as arrays, nothing invented.
        expect(Object.keys(e.headers).sort()).toEqual([...new Set(h.map((x) => x.key))].sort());
        JSON.stringify(e); // printable as --json
      }),
      { numRuns: 2_000 },
    );
  }, 60_000);

  // Found by the property above: a header named "__proto__" once replaced the display object's prototype.
  it('shows a header named __proto__ like any other', () => {
    const e = decodeDeadLetter([{ key: '__proto__', value: Buffer.from('x') }]);
    expect(Object.keys(e.headers)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(e.headers)).toBe(Object.prototype);
  }, 60_000);

  it('flags binary context headers of the wrong length instead of misreading them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 16 }).filter((b) => b.length !== 4 && !/^\s*-?\d{1,19}\s*$/.test(Buffer.from(b).toString())), (bytes) => {
        const e = decodeDeadLetter([{ key: SPRING.partition, value: Buffer.from(bytes) }]);
        expect(e.original.partition).toBeNull();
        expect(e.problems.join()).toContain(SPRING.partition);
      }),
    );
  }, 60_000);

  it("decodes back exactly what streamflow's dead-letter writer encodes", () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 });
    const context = fc.record({
      originalTopic: text,
      originalPartition: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      originalOffset: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String),
      originalTimestamp: fc.integer({ min: -8.64e15, max: 8.64e15 }).map(String),
      consumerGroup: text,
      errorClass: text,
      errorMessage: text,
      stack: text,
      service: text,
      attempts: fc.nat(),
      firstFailure: text,
      lastFailure: text,
    });
    fc.assert(
      fc.property(context, (ctx) => {
        const e = decodeDeadLetter(Object.entries(encodeDeadLetterHeaders(ctx)).map(([key, value]) => ({ key, value })));
        expect(e.problems).toEqual([]);
        expect(e).toMatchObject({
          convention: 'spring',
          original: { topic: ctx.originalTopic, partition: ctx.originalPartition, offset: ctx.originalOffset, timestamp: new Date(Number(ctx.originalTimestamp)).toISOString() },
          consumerGroup: ctx.consumerGroup,
          error: { class: ctx.errorClass, message: ctx.errorMessage, stacktrace: ctx.stack },
          service: ctx.service,
          attempts: ctx.attempts,
          firstFailure: ctx.firstFailure,
          lastFailure: ctx.lastFailure,
        });
      }),
      { numRuns: 1_000 },
    );
  }, 60_000);
});
