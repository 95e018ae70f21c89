import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import { DEFAULT_PER_PARTITION_PER_SEC, NICE_PARTITION_COUNTS, planPartitions } from '../../../src/topics/partition-sizing.js';
import { parseGrowth, parseRate } from '../../../src/cli/flag-values.js';

describe('parseRate', () => {
  it.each([
    ['100000/min', 100000 / 60],
    ['2000/s', 2000],
    ['2000/sec', 2000],
    ['120/m', 2],
    ['3600/h', 1],
    [' 2000 / SEC ', 2000],
    ['1_000_000/h', 1_000_000 / 3600],
    ['2.5/s', 2.5],
  ])('reads %j as records per second', (text, perSec) => {
    expect(parseRate(text)).toBeCloseTo(perSec, 9);
  });

  it.each(['', '2000', '2000/d', '5/ms', 'abc/s', '0/s', '-5/s', '1e3/s', '2000/constructor', '2000 per second'])('rejects %j', (text) => {
    expect(() => parseRate(text)).toThrow(UsageError);
  });

  it('names the flag, quotes the input and shows an example, as a usage error (exit 2)', () => {
    const error = (() => {
      try {
        parseRate('lots/s', '--peak');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ exitCode: 2 });
    expect((error as Error).message).toMatch(/^--peak must be a positive count per unit/);
    expect((error as Error).message).toContain('"lots/s"');
    expect((error as Error).message).toContain('2000/s');
  });
});

describe('parseGrowth', () => {
  it.each([
    ['3x', 3],
    ['1.5X', 1.5],
    ['3', 3],
    [' 2 x ', 2],
    ['1x', 1],
  ])('reads %j', (text, factor) => {
    expect(parseGrowth(text)).toBe(factor);
  });

  it.each(['', 'x', 'three', '0.5x', '-2x', '3xx'])('rejects %j with an example', (text) => {
    expect(() => parseGrowth(text)).toThrow(UsageError);
    expect(() => parseGrowth(text)).toThrow(/e\.g\. 3x/);
  });
});

describe('planPartitions', () => {
  it('sizes 100000/min at 2000/s per consumer, 3x growth over 3 years', () => {
    const plan = planPartitions({ peakPerSec: parseRate('100000/min'), perConsumerPerSec: parseRate('2000/s'), growthFactor: parseGrowth('3x'), years: 3 });
    expect(plan.partitions).toBe(12);
    expect(plan.figures).toMatchObject({
      grownPeakPerSec: 5000,
      headroom: 1.5,
      designPerSec: 7500,
      perPartitionPerSec: DEFAULT_PER_PARTITION_PER_SEC,
      requiredParallelism: 3,
      consumers: 4,
      partitionsForThroughput: 2,
      minimumPartitions: 4,
      partitions: 12,
      balancedConsumers: 4,
      perConsumerLoadPerSec: 1875,
      maxThroughputPerSec: 24000,
    });
    const text = plan.reasoning.join('\n');
    expect(text).toContain('44%/year over 3 years');
    expect(text).toContain('= 3 consumers at 100% busy');
    expect(text).toContain('(default, conservative');
    expect(text).toContain('splits evenly among 1, 2, 3, 4, 6, 12 consumers');
    expect(text).toContain('Run 4 consumers: 3 partitions each, 1,875/s each');
    expect(text).toMatch(/leader elections/);
    expect(text).toMatch(/batch/);
  });

  it('lets the per-partition limit dominate when consumers are fast', () => {
    const plan = planPartitions({ peakPerSec: 50_000, perConsumerPerSec: 20_000 });
    expect(plan.figures).toMatchObject({ consumers: 4, partitionsForThroughput: 15, minimumPartitions: 15, partitions: 24, balancedConsumers: 4 });
  });

  it('honours overrides and does not call them defaults', () => {
    const plan = planPartitions({ peakPerSec: 1000, perConsumerPerSec: 500, perPartitionPerSec: 100, headroom: 1 });
    expect(plan.figures).toMatchObject({ designPerSec: 1000, consumers: 2, partitionsForThroughput: 10, partitions: 12 });
    expect(plan.reasoning.join('\n')).not.toContain('default');
  });

  it('runs more consumers when the needed count does not divide the partitions', () => {
    const plan = planPartitions({ peakPerSec: 3000, perConsumerPerSec: 1000 });
    expect(plan.figures).toMatchObject({ consumers: 5, partitions: 12, balancedConsumers: 6, perConsumerLoadPerSec: 750 });
    expect(plan.reasoning.join('\n')).toContain('Run 6 consumers: 2 partitions each');
  });

  it('falls back to a multiple of the consumer count past the largest nice count', () => {
    const plan = planPartitions({ peakPerSec: 1_000_000, perConsumerPerSec: 1000 });
    expect(plan.figures.consumers).toBe(1500);
    expect(plan.figures).toMatchObject({ partitions: 1500, balancedConsumers: 1500 });
    expect(plan.reasoning.join('\n')).toMatch(/splitting the stream/);
  });

  it('always gives the balanced consumers an equal share they can sustain', () => {
    for (const peakPerSec of [10, 900, 4_321, 25_000, 80_000]) {
      for (const perConsumerPerSec of [100, 750, 2_000, 9_000]) {
        const { figures } = planPartitions({ peakPerSec, perConsumerPerSec, growthFactor: 2 });
        expect(figures.partitions).toBeGreaterThanOrEqual(figures.minimumPartitions);
        expect(figures.partitions % figures.balancedConsumers).toBe(0);
        expect(figures.balancedConsumers).toBeGreaterThanOrEqual(figures.consumers);
        expect(figures.perConsumerLoadPerSec).toBeLessThanOrEqual(perConsumerPerSec);
        expect(figures.designPerSec / figures.partitions).toBeLessThanOrEqual(figures.perPartitionPerSec);
        if (figures.partitions <= 720) expect(NICE_PARTITION_COUNTS).toContain(figures.partitions);
      }
    }
  });

  it('rejects impossible inputs', () => {
    expect(() => planPartitions({ peakPerSec: 0, perConsumerPerSec: 10 })).toThrow(/peakPerSec must be a positive number/);
    expect(() => planPartitions({ peakPerSec: 10, perConsumerPerSec: Number.NaN })).toThrow(RangeError);
    expect(() => planPartitions({ peakPerSec: 10, perConsumerPerSec: 10, growthFactor: 0.5 })).toThrow(/growthFactor/);
    expect(() => planPartitions({ peakPerSec: 10, perConsumerPerSec: 10, headroom: 0.9 })).toThrow(/headroom/);
  });
});

describe('planPartitions arithmetic', () => {
  it('does not round float noise up to an extra consumer', () => {
    // 3000/min × 1.1 is 55/s, but in floating point 55.00000000000001.
    const { figures } = planPartitions({ peakPerSec: parseRate('3000/min'), perConsumerPerSec: 55, growthFactor: 1.1, headroom: 1 });
    expect(figures.grownPeakPerSec).toBeGreaterThan(55);
    expect(figures.requiredParallelism).toBe(1);
    expect(figures.consumers).toBe(1);
  });
});
