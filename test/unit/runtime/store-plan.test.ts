import { describe, expect, it } from 'vitest';
import { SHARDS } from '../../../src/runtime/store-layout.js';
import { planStore } from '../../../src/runtime/store-plan.js';

describe('runtime plan', () => {
  it("sizes the seed's surge: 100,000 orders/min kept for a 24 h window, two windows at most", () => {
    const p = planStore({ ordersPerSec: 100_000 / 60, windowSec: 86_400, bytesPerOrder: 230, listpackEntries: 128, masters: 3 });
    expect(p.ordersPerWindow).toBe(144_000_000);
    expect(p.ordersHeld).toBe(288_000_000);
    expect(p.memoryBytes).toBe(288_000_000 * 230);
    expect(p.memoryBytesPerMaster).toBe(Math.ceil((288_000_000 * 230) / 3));
    // A generation's hashes stay under the listpack limit.
    expect(p.entriesPerHash).toBeLessThanOrEqual(128);
    expect(p.ordersPerWindow / (SHARDS * p.buckets)).toBeLessThanOrEqual(96);
  });

  it('needs one bucket for a trickle', () => {
    expect(planStore({ ordersPerSec: 1, windowSec: 60, bytesPerOrder: 230, listpackEntries: 128, masters: 1 }).buckets).toBe(1);
  });
});
