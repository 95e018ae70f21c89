import { describe, expect, it } from 'vitest';
import { partitionForKey } from '../../../src/topics/partitioner.js';
import { computeRemapImpact, expectedMovedShare, safeGrowthProcedure, sampleKeys } from '../../../src/topics/remap-impact.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('sampleKeys', () => {
  it('generates distinct UUID v4 order ids, identical for the same seed', () => {
    const keys = sampleKeys(1_000, 123);
    expect(keys).toHaveLength(1_000);
    expect(new Set(keys).size).toBe(1_000);
    for (const key of keys) expect(key).toMatch(UUID_V4);
    expect(sampleKeys(1_000, 123)).toEqual(keys);
    expect(sampleKeys(5, 124)).not.toEqual(keys.slice(0, 5));
  });
});

describe('expectedMovedShare', () => {
  it('is 1 - 1/k when growing by an integer factor k', () => {
    expect(expectedMovedShare(12, 24)).toBeCloseTo(1 / 2, 12);
    expect(expectedMovedShare(6, 18)).toBeCloseTo(2 / 3, 12);
    expect(expectedMovedShare(3, 12)).toBeCloseTo(3 / 4, 12);
  });

  it('is min/lcm staying for non-multiples, and 0 for no change', () => {
    expect(expectedMovedShare(12, 16)).toBeCloseTo(1 - 12 / 48, 12);
    expect(expectedMovedShare(12, 13)).toBeCloseTo(1 - 12 / 156, 12);
    expect(expectedMovedShare(12, 12)).toBe(0);
  });
});

describe('computeRemapImpact', () => {
  const keys = sampleKeys(10_000, 2024);

  it('counts exactly the keys whose partition changes', () => {
    const impact = computeRemapImpact(keys, 12, 16);
    const moved = keys.filter((k) => partitionForKey(k, 12) !== partitionForKey(k, 16)).length;
    expect(impact).toMatchObject({ from: 12, to: 16, keys: 10_000, moved, movedShare: moved / 10_000 });
  });

  it('breaks the count down by old partition', () => {
    const impact = computeRemapImpact(keys, 6, 12);
    expect(impact.byPartition.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const row of impact.byPartition) {
      const inPartition = keys.filter((k) => partitionForKey(k, 6) === row.partition);
      expect(row.keys).toBe(inPartition.length);
      expect(row.stayed).toBe(inPartition.filter((k) => partitionForKey(k, 12) === row.partition).length);
      expect(row.stayed + row.moved).toBe(row.keys);
    }
    expect(impact.byPartition.reduce((sum, p) => sum + p.moved, 0)).toBe(impact.moved);
  });

  it('lands near, but not exactly on, the expectation', () => {
    for (const [from, to] of [[12, 24], [12, 16], [6, 18], [12, 13]] as const) {
      const impact = computeRemapImpact(keys, from, to);
      expect(impact.expectedMovedShare).toBe(expectedMovedShare(from, to));
      expect(Math.abs(impact.movedShare - impact.expectedMovedShare)).toBeLessThan(0.02);
    }
  });

  it('moves nothing when the count is unchanged, and handles no keys', () => {
    expect(computeRemapImpact(keys, 12, 12).moved).toBe(0);
    expect(computeRemapImpact([], 12, 24)).toMatchObject({ keys: 0, moved: 0, movedShare: 0 });
  });

  it('counts repeated keys once per occurrence (share of records)', () => {
    const [a] = keys.filter((k) => partitionForKey(k, 3) !== partitionForKey(k, 4));
    const [b] = keys.filter((k) => partitionForKey(k, 3) === partitionForKey(k, 4));
    expect(computeRemapImpact([a!, a!, a!, b!], 3, 4)).toMatchObject({ keys: 4, moved: 3, movedShare: 0.75 });
  });

  it('rejects invalid partition counts', () => {
    expect(() => computeRemapImpact(keys, 0, 12)).toThrow(/from must be a positive integer/);
    expect(() => computeRemapImpact(keys, 12, 2.5)).toThrow(RangeError);
  });
});

describe('safeGrowthProcedure', () => {
  it('states irreversibility, the expected and measured figure, and both options', () => {
    const steps = safeGrowthProcedure(12, 16);
    const measured = computeRemapImpact(sampleKeys(10_000, 1), 12, 16);
    const text = steps.join('\n');
    expect(steps[0]).toMatch(/irreversible/);
    expect(text).toContain('75.0% expected');
    expect(text).toContain(`measured ${(measured.movedShare * 100).toFixed(1)}% (${measured.moved.toLocaleString('en-US')} of 10,000 synthetic order ids)`);
    expect(text).toContain('24 would move 50.0%');
    expect(text).toMatch(/Option A/);
    expect(text).toMatch(/lag 0/);
    expect(text).toContain('--partitions 16');
    expect(text).toMatch(/Option B/);
    expect(text).toContain('<topic>.v2 with 16 partitions');
  });

  it('explains integer-factor growth and skips the multiple hint', () => {
    const text = safeGrowthProcedure(12, 36).join('\n');
    expect(text).toContain('66.7% expected (growing ×3: 12 of every 36 hash values keep their partition)');
    expect(text).not.toMatch(/moves fewest keys/);
  });

  it('measures on the operator’s keys when given', () => {
    const keys = sampleKeys(500, 9);
    const impact = computeRemapImpact(keys, 6, 12);
    expect(safeGrowthProcedure(6, 12, keys).join('\n')).toContain(`(${impact.moved} of 500 given keys)`);
  });

  it('refuses to shrink or stand still', () => {
    expect(() => safeGrowthProcedure(12, 12)).toThrow(/never reduces/);
    expect(() => safeGrowthProcedure(12, 6)).toThrow(RangeError);
  });
});
