import { describe, expect, it } from 'vitest';
import { generationExpiresAt, generationOf } from '../../../src/runtime/store-layout.js';
import { parseSoakArgs, soakExitCode } from '../../../test/soak/soak-args.js';
import { START_LEAD_MS, alignedStart, createdAt, judgeFlatness, memoryFigures, minimumDurationMs, oldestHeldFrom, windowFilledAt } from '../../../test/soak/soak-verdict.js';
import { BASELINE, syntheticSoak } from './soak-fixture.js';

// 00:00:30 UTC on a day: a quarter into a 2-minute generation.
const START = Date.UTC(2025, 0, 1, 0, 0, 30);

describe('soak verdict', () => {
  it('the window fills when the first generation expires: two windows plus the 60 s margin after its start', () => {
    expect(windowFilledAt(START, 120)).toBe(START - 30_000 + 240_000 + 60_000);
    expect(generationExpiresAt(generationOf(START, 120), 120) * 1000).toBe(windowFilledAt(START, 120));
  });

  it('a start aligned just before a generation boundary fills the window W + 60 s + the lead later', () => {
    const at = alignedStart(START, 120);
    expect(at).toBe(START - 30_000 + 120_000 - START_LEAD_MS);
    expect(windowFilledAt(at, 120) - at).toBe(120_000 + 60_000 + START_LEAD_MS);
    // Too close to the boundary: the next one.
    expect(alignedStart(START - 30_000 + 120_000 - START_LEAD_MS - 100, 120)).toBe(START - 30_000 + 240_000 - START_LEAD_MS);
    expect(minimumDurationMs(120)).toBe(3 * 120_000 + 62_000);
  });

  it('orders are held from the oldest generation not yet expired, never from before the start', () => {
    const W = 120;
    expect(oldestHeldFrom(START + 10_000, START, W)).toBe(START);
    const fill = windowFilledAt(START, W);
    // Just after the fill the oldest live generation is the run's second: it began 90 s after the start.
    expect(oldestHeldFrom(fill + 1, START, W)).toBe(START + 90_000);
    expect(oldestHeldFrom(fill - 1, START, W)).toBe(START);
  });

  const soak = { startMs: START, windowSec: 120, durationMs: 30 * 60_000, sampleMs: 10_000, ordersPerSec: 1_667, bytesPerOrder: 160 };
  const input = (samples: ReturnType<typeof syntheticSoak>) => ({ samples, startMs: START, windowSec: 120, trafficEndMs: soak.durationMs, baselineBytes: BASELINE });

  it('a store bounded by the window is flat, and its peak holds L windows of orders at the bytes per order', () => {
    const samples = syntheticSoak(soak);
    const flat = judgeFlatness(input(samples));
    expect(flat.verdict, flat.reason).toBe('flat');
    expect(flat.reference!.samples).toBeGreaterThan(40);
    expect(Math.abs(flat.growth!)).toBeLessThan(0.02);
    const figures = memoryFigures(input(samples), flat);
    expect(figures.bytesPerOrderHeld).toBeGreaterThan(150);
    expect(figures.bytesPerOrderHeld).toBeLessThan(170);
    // L = 2 + 60/120 windows at the peak, less at most one sample interval (10 s of 120).
    expect(figures.ordersHeld! / (1_667 * 120)).toBeGreaterThan(2.5 - 10 / 120 - 0.01);
    expect(figures.ordersHeld! / (1_667 * 120)).toBeLessThanOrEqual(2.5);
    expect(figures.auditAtEndMb).toBeGreaterThan(0);
  });

  it('a leak that adds half the held memory over the run is growth', () => {
    const held = 1_667 * 160 * 360; // about the peak
    const samples = syntheticSoak({ ...soak, leakPerSec: (0.5 * held) / 1800 });
    const verdict = judgeFlatness(input(samples));
    expect(verdict.verdict).toBe('growing');
    expect(verdict.reason).toMatch(/^memory grows after the window filled: peak held/);
    expect(verdict.slopeBytesPerMin).toBeGreaterThan(0);
  });

  it('a run that ends before two windows after the fill is inconclusive and says how long it must be', () => {
    const short = syntheticSoak({ ...soak, durationMs: 6 * 60_000 });
    const verdict = judgeFlatness({ ...input(short), trafficEndMs: 6 * 60_000 });
    expect(verdict.verdict).toBe('inconclusive');
    expect(verdict.reason).toContain('judging needs two more windows (traffic of at least 510 s');
  });

  it('interpolates the orders created between samples', () => {
    const samples = syntheticSoak({ ...soak, durationMs: 60_000 });
    expect(createdAt(samples, 15_000)).toBeCloseTo(1_667 * 15, -1);
    expect(createdAt(samples, 0)).toBe(0);
  });
});

describe('soak flags', () => {
  it('defaults to the seed surge for 30 minutes with a 2-minute window', () => {
    expect(parseSoakArgs([])).toMatchObject({ ratePerSec: 1667, durationMs: 1_800_000, windowSec: 120, sampleMs: 10_000, redisCluster: false, useStack: false, json: false });
    expect(parseSoakArgs(['--rate', '500/s', '--duration', '5m', '--window', '1m', '--json', '--out', '/tmp/x'])).toMatchObject({ ratePerSec: 500, durationMs: 300_000, windowSec: 60, json: true, out: '/tmp/x' });
  });

  it('refuses a duration too short to judge, saying what would do', () => {
    expect(() => parseSoakArgs(['--duration', '4m', '--window', '1m'])).toThrow('--duration 4m is too short for --window 1m: the window fills 122 s after the start and the verdict needs two more windows');
    expect(parseSoakArgs(['--duration', '242s', '--window', '1m']).durationMs).toBe(242_000);
  });

  it('refuses what cannot run, naming the flag', () => {
    expect(() => parseSoakArgs(['--window', '1.5s'])).toThrow('--window must be a whole number of seconds');
    expect(() => parseSoakArgs(['--rate', 'fast'])).toThrow(/^--rate must be a positive count per unit/);
    expect(() => parseSoakArgs(['--redis-cluster', '--use-stack'])).toThrow('--redis-cluster starts a private stack');
    expect(() => parseSoakArgs(['--bogus'])).toThrow(/Unknown option '--bogus'/);
  });

  it('exits 0 only when the soak passed', () => {
    expect(soakExitCode({ ok: true, interrupted: false })).toBe(0);
    expect(soakExitCode({ ok: false, interrupted: false })).toBe(1);
    expect(soakExitCode({ ok: false, interrupted: true })).toBe(130);
  });
});
