import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { parseIsoDateTime, parseIsoDuration, parseResetMode, parseTopicScope } from '../../../src/offsets/reset-mode.js';

describe('parseIsoDateTime', () => {
  it("reads Kafka's format, without a zone as UTC like Kafka's tool", () => {
    expect(parseIsoDateTime('2024-05-01T12:00:00.000')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseIsoDateTime('2024-05-01T12:00:00.250Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
  });

  it('applies zone offsets in every ISO form', () => {
    const noon = Date.UTC(2024, 4, 1, 12);
    for (const z of ['+02:00', '+0200', '+02']) expect(parseIsoDateTime(`2024-05-01T14:00:00.000${z}`)).toBe(noon);
    expect(parseIsoDateTime('2024-05-01T07:30:00-04:30')).toBe(noon);
  });

  it('accepts shorter forms: seconds, minutes, a bare date; fractions as ISO fractions', () => {
    expect(parseIsoDateTime('2024-05-01T12:00:05')).toBe(Date.UTC(2024, 4, 1, 12, 0, 5));
    expect(parseIsoDateTime('2024-05-01T12:00')).toBe(Date.UTC(2024, 4, 1, 12));
    expect(parseIsoDateTime('2024-05-01')).toBe(Date.UTC(2024, 4, 1));
    expect(parseIsoDateTime('2024-05-01T12:00:00.5Z')).toBe(Date.UTC(2024, 4, 1, 12, 0, 0, 500));
  });

  it('refuses what is not a real date-time (exit 2)', () => {
    for (const bad of ['yesterday', '2024-02-30T00:00:00', '2024-05-01T24:00:00', '2024-05-01 12:00:00', '2024-13-01', '1714564800000']) {
      expect(() => parseIsoDateTime(bad), bad).toThrow(UsageError);
    }
  });
});

describe('parseIsoDuration (Java Duration.parse)', () => {
  it('reads days, hours, minutes and seconds with fractions', () => {
    expect(parseIsoDuration('PT1H')).toBe(3_600_000);
    expect(parseIsoDuration('PT30M')).toBe(1_800_000);
    expect(parseIsoDuration('P1D')).toBe(86_400_000);
    expect(parseIsoDuration('P1DT2H3M4.5S')).toBe(86_400_000 + 7_200_000 + 180_000 + 4_500);
    expect(parseIsoDuration('pt15m')).toBe(900_000);
  });

  it('keeps signs like Java', () => {
    expect(parseIsoDuration('-PT1H')).toBe(-3_600_000);
    expect(parseIsoDuration('PT-30M')).toBe(-1_800_000);
  });

  it('refuses empty or non-ISO durations', () => {
    for (const bad of ['P', 'PT', 'P1DT', '1h', 'P1Y', 'P1W', 'PT1H30', '']) expect(() => parseIsoDuration(bad), bad).toThrow(UsageError);
  });
});

describe('parseTopicScope', () => {
  it('reads T and T:p,.. like Kafka', () => {
    expect(parseTopicScope(['orders', 'payments:0,2,2'])).toEqual([
      { topic: 'orders', partitions: null },
      { topic: 'payments', partitions: [0, 2] },
    ]);
  });

  it('refuses malformed entries', () => {
    for (const bad of ['orders:', ':1', 'orders:a', 'a:1:2', 'orders:-1']) expect(() => parseTopicScope([bad]), bad).toThrow(UsageError);
  });
});

describe('parseResetMode', () => {
  it('reads each value mode, offsets and shifts as int64', () => {
    expect(parseResetMode('to-offset', ' 1200 ')).toEqual({ kind: 'to-offset', offset: 1200n });
    expect(parseResetMode('shift-by', '-9223372036854775808')).toEqual({ kind: 'shift-by', shift: -(2n ** 63n) });
    expect(parseResetMode('to-datetime', '2024-05-01')).toEqual({ kind: 'to-datetime', timestampMs: Date.UTC(2024, 4, 1) });
    expect(parseResetMode('by-duration', 'PT1H')).toEqual({ kind: 'by-duration', durationMs: 3_600_000 });
  });

  it('names the flag, or the name it is given, in its UsageErrors', () => {
    expect(() => parseResetMode('to-offset', '1.5')).toThrow('--to-offset must be a whole number, got "1.5"');
    expect(() => parseResetMode('shift-by', '9223372036854775808', 'the shift')).toThrow("the shift 9223372036854775808 does not fit Kafka's int64 offsets");
    expect(() => parseResetMode('to-datetime', 'noon', 'the time')).toThrow(UsageError);
  });
});
