import { describe, expect, it } from 'vitest';
import { histogramQuantile, mergeHistograms } from '../../../bench/histogram-quantile.js';

const h = (counts: number[]) => [10, 100, 1000, Infinity].map((le, i) => ({ le, count: counts[i]! }));

describe('histogramQuantile', () => {
  it('interpolates within the bucket that holds the rank', () => {
    // 100 batches: 50 up to 10 ms, 40 more up to 100 ms, 10 more up to 1000 ms.
    expect(histogramQuantile(h([50, 90, 100, 100]), 0.5)).toBe(10);
    expect(histogramQuantile(h([50, 90, 100, 100]), 0.7)).toBe(55);
    expect(histogramQuantile(h([50, 90, 100, 100]), 0.99)).toBe(910);
  });

  it('reports the highest finite bound for the +Inf bucket, null without observations', () => {
    expect(histogramQuantile(h([0, 0, 0, 5]), 0.99)).toBe(1000);
    expect(histogramQuantile(h([0, 0, 0, 0]), 0.99)).toBeNull();
  });

  it('merges processes by adding their counts', () => {
    expect(mergeHistograms([h([1, 2, 3, 3]), h([0, 1, 1, 2])])).toEqual(h([1, 3, 4, 5]));
  });
});
