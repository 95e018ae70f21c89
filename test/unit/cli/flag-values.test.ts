import { describe, expect, it } from 'vitest';
import { atLeastOne, int64, nonNegativeInt, parseDuration, parseRateOrMax, parseStoreNamespace, parseWaitReplicas, positiveInt } from '../../../src/cli/flag-values.js';
import { UsageError } from '../../../src/errors.js';

describe('flag values', () => {
  it('int64 takes the whole range and refuses one past either end, naming the flag', () => {
    expect(int64('--to-offset', '9223372036854775807')).toBe(2n ** 63n - 1n);
    expect(int64('--shift-by', '-9223372036854775808')).toBe(-(2n ** 63n));
    expect(() => int64('--to-offset', '9223372036854775808')).toThrow("--to-offset 9223372036854775808 does not fit Kafka's int64 offsets");
    expect(() => int64('--to-offset', '1.5')).toThrow('--to-offset must be a whole number, got "1.5"');
  });

  it('counts name the flag and quote what was typed', () => {
    expect(nonNegativeInt('--fail-above', '0')).toBe(0);
    expect(() => nonNegativeInt('--fail-above', 'abc')).toThrow('--fail-above must be a whole number (0 or more), got "abc"');
    expect(() => positiveInt('--limit', ['1', '2'])).toThrow('--limit must be a positive integer, got ["1","2"]');
    expect(() => atLeastOne('--headroom', '0.5')).toThrow(UsageError);
  });

  it('a rate may be "max" where the command allows no limit', () => {
    expect(parseRateOrMax('max')).toBe(Number.POSITIVE_INFINITY);
    expect(parseRateOrMax('120/min')).toBe(2);
    expect(() => parseRateOrMax('-5/s', '--rate')).toThrow(/^--rate must be a positive count per unit/);
  });

  it('durations keep their hint', () => {
    expect(parseDuration('1.5s')).toBe(1500);
    expect(() => parseDuration('soon', '--until-idle')).toThrow('--until-idle "soon" is not a duration');
  });

  it('replicas to WAIT for: a count (0 turns WAIT off) or auto', () => {
    expect(parseWaitReplicas('auto')).toBe('auto');
    expect(parseWaitReplicas(' AUTO ')).toBe('auto');
    expect(parseWaitReplicas('0')).toBe(0);
    expect(parseWaitReplicas('2')).toBe(2);
    expect(() => parseWaitReplicas('-1')).toThrow('--redis-wait-replicas must be a number of replicas (0 turns WAIT off) or auto, got "-1"');
    expect(() => parseWaitReplicas('one', '--wait')).toThrow(UsageError);
  });

  it('a store namespace cannot break a key\'s hash tag', () => {
    expect(parseStoreNamespace('soak-k3x_1')).toBe('soak-k3x_1');
    for (const bad of ['', 'a.b', 'a}b', 'a:b', 'a b']) expect(() => parseStoreNamespace(bad)).toThrow(/^--store-namespace must be 1 to 64 letters/);
  });
});
