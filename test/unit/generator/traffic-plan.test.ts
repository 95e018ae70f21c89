import { describe, expect, it } from 'vitest';
import { rateProfile, targetCount } from '../../../src/generator/rate-profile.js';
import { SeededRandom } from '../../../src/generator/seeded-random.js';
import { TrafficPlan } from '../../../src/generator/traffic-plan.js';

const options = { seed: 7, users: 1000, cancelShare: 0.05, duplicates: 0.02, poison: 0.01, keyBy: 'order_id' as const, producer: 't' };

describe('TrafficPlan', () => {
  it('is reproducible from the seed', () => {
    const a = new TrafficPlan(options);
    const b = new TrafficPlan(options);
    for (let i = 0; i < 500; i++) expect(JSON.stringify(a.next(0, 500 - i))).toBe(JSON.stringify(b.next(0, 500 - i)));
  });

  it('puts each cancellation after its order and each duplicate after its original, on the same key, and owes nothing at the end', () => {
    const plan = new TrafficPlan(options);
    const seen = new Map<string, string>(); // event id -> key
    const createdOrders = new Set<string>();
    const n = 6_000;
    const counts = { valid: 0, duplicate: 0, poison: 0 };
    for (let i = 0; i < n; i++) {
      const r = plan.next(0, n - i);
      counts[r.kind]++;
      if (r.kind === 'duplicate') expect(seen.get(r.original.eventId)).toBe(r.original.key);
      else if (r.kind === 'valid') {
        if (r.eventType === 'OrderCancelled') expect(createdOrders.has(r.orderId)).toBe(true);
        else createdOrders.add(r.orderId);
        seen.set(r.eventId, r.key);
        expect(r.key).toBe(r.orderId);
      }
    }
    expect(plan.pendingCount).toBe(0);
    expect(counts.duplicate / n).toBeGreaterThan(0.01);
    expect(counts.poison / n).toBeGreaterThan(0.005);
  }, 30_000);
});

describe('SeededRandom.uuid', () => {
  it('gives RFC 4122 version-4 ids', () => {
    const rng = new SeededRandom(1);
    for (let i = 0; i < 100; i++) expect(rng.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('rate profiles', () => {
  it('integrates the rate: steady is rate x time, ramp reaches the peak, spike bursts in the middle', () => {
    expect(targetCount(rateProfile('steady', 1000, undefined), 60)).toBe(60_000);
    const ramp = rateProfile('ramp', 1000, 100);
    expect(targetCount(ramp, 100)).toBeCloseTo(0.55 * 60 * 1000 + 40 * 1000, 0);
    const spike = rateProfile('spike', 1000, 100);
    expect(targetCount(spike, 40)).toBeCloseTo(40 * 250, 0);
    expect(() => rateProfile('ramp', 1000, undefined)).toThrow(/--duration/);
  });
});
