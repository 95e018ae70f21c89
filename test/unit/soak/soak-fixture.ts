import { SERVICES } from '../../../src/runtime/types.js';
import { SOAK_PROCESSES, type SoakSample } from '../../../test/soak/soak-samples.js';
import { oldestHeldFrom } from '../../../test/soak/soak-verdict.js';

export const BASELINE = 2_000_000;

/**
 * A soak as the store layout would make it: `ordersPerSec` orders at `bytesPerOrder`, held from
 * the oldest live generation on (a sawtooth), plus `leakPerSec` bytes a second that never expire.
 */
export function syntheticSoak(o: { startMs: number; windowSec: number; durationMs: number; sampleMs: number; ordersPerSec: number; bytesPerOrder: number; leakPerSec?: number }): SoakSample[] {
  const sample = (t: number, phase: SoakSample['phase']): SoakSample => {
    const at = o.startMs + t;
    const heldMs = t <= 0 ? 0 : at - oldestHeldFrom(at, o.startMs, o.windowSec);
    const held = (heldMs / 1000) * o.ordersPerSec * o.bytesPerOrder + Math.max(0, t / 1000) * (o.leakPerSec ?? 0);
    const created = Math.max(0, Math.round((t / 1000) * o.ordersPerSec));
    return {
      t,
      phase,
      sent: Math.round(created * 1.06),
      created,
      redisBytes: BASELINE + Math.round(held) + created * 100,
      auditBytes: created * 100,
      redisKeys: 1000,
      rssBytes: Object.fromEntries(SOAK_PROCESSES.map((p, i) => [p, (100 + i * 20 + t / 10_000) * 1024 * 1024])) as SoakSample['rssBytes'],
      lag: Object.fromEntries(SERVICES.map((s, i) => [s, phase === 'drain' ? 0 : 50 * i + (t % 7_000) / 100])) as SoakSample['lag'],
      handled: Object.fromEntries(SERVICES.map((s) => [s, created])) as SoakSample['handled'],
      duplicates: Object.fromEntries(SERVICES.map((s) => [s, Math.round(created / 100)])) as SoakSample['duplicates'],
    };
  };
  const samples = [sample(-1, 'baseline')];
  for (let t = o.sampleMs; t <= o.durationMs; t += o.sampleMs) samples.push(sample(t, 'traffic'));
  samples.push(sample(o.durationMs + o.sampleMs, 'drain'));
  return samples;
}
