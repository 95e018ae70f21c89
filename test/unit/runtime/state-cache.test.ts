import { describe, expect, it } from 'vitest';
import { StateCache } from '../../../src/runtime/state-cache.js';

describe('the state cache', () => {
  it('holds at most its capacity, and at least the most recent half of it', () => {
    const cache = new StateCache(1_000);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`o-${i}`, { i });
      expect(cache.size).toBeLessThanOrEqual(1_000);
    }
    for (let i = 10_000 - 500; i < 10_000; i++) expect(cache.get(`o-${i}`)).toEqual({ i });
    expect(cache.get('o-0')).toBeUndefined();
  });

  it('keeps an order it is asked for while newer ones come and go', () => {
    const cache = new StateCache(100);
    cache.set('hot', { hot: true });
    for (let i = 0; i < 1_000; i++) {
      cache.set(`o-${i}`, { i });
      if (i % 40 === 0) expect(cache.get('hot')).toEqual({ hot: true });
    }
    expect(cache.get('hot')).toEqual({ hot: true });
  });

  it('gives the last state written, and nothing once forgotten', () => {
    const cache = new StateCache(4);
    cache.set('a', { v: 1 });
    cache.set('b', { v: 1 });
    cache.set('c', { v: 1 }); // a and b are now the old generation
    cache.set('a', { v: 2 });
    expect(cache.get('a')).toEqual({ v: 2 });
    cache.forget('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual({ v: 1 });
  });
});
