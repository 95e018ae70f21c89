import { generationExpiresAt, generationOf } from '../../src/runtime/store-layout.js';
import { SOAK_PROCESSES, type SoakProcess, type SoakSample, stateBytes, toMb, totalLag } from './soak-samples.js';

/**
 * When memory is flat. Held memory is the Redis memory the dedup window bounds (used_memory,
 * summed over the masters, less the run's verify audit: see stateBytes) less the baseline taken
 * before the generator started.
 *
 * An order's state goes into the hashes of the current generation (one dedup window W long),
 * which expire at the end of the next generation plus the store's 60 s clock margin
 * (store-layout.ts). So memory grows until the run's first generation expires ("the window has
 * filled": at most 2W + 60 s after the start); from then on Redis holds the orders of the last
 * L - 1 to L windows (L = 2 + 60 s / W), a sawtooth with one tooth per window, and no more.
 *
 * The rule: the traffic from the window fill to the generator's end is split into two halves by
 * time, each at least one window long (so each holds a sawtooth peak) and at least 2 samples;
 * memory is flat when the peak held in the second half is at most FLAT_TOLERANCE (10%) plus
 * FLAT_SLACK_BYTES (1 MiB of allocator noise) above the peak held in the first half. Peaks,
 * not means or a fitted slope: over a part of a tooth a slope says more about where the part
 * fell than about a leak, and a leak raises every later peak. The least-squares slope over the
 * whole steady part is reported beside it, for information. Too short a run is inconclusive,
 * which fails the soak too.
 */
export const FLAT_TOLERANCE = 0.1;
export const FLAT_SLACK_BYTES = 1024 * 1024;
export const FLATNESS_RULE =
  'held Redis memory (used_memory less the verify audit, less the baseline): split the traffic after the window filled into two halves; ' +
  `flat when the second half's peak <= the first half's peak x ${1 + FLAT_TOLERANCE} + 1 MiB`;

/** The soak starts its traffic this long before a generation boundary, so the window fills as early as the layout allows. */
export const START_LEAD_MS = 2_000;

/** Traffic the verdict needs: the window fills W + 60 s + the lead after the start, then two windows. */
export function minimumDurationMs(windowSec: number): number {
  return windowSec * 1000 + 60_000 + START_LEAD_MS + 2 * windowSec * 1000;
}

/** When to start the traffic: START_LEAD_MS before the next generation boundary that is at least `notBeforeMs` away. */
export function alignedStart(nowMs: number, windowSec: number, notBeforeMs = 500): number {
  let at = (generationOf(nowMs, windowSec) + 1) * windowSec * 1000 - START_LEAD_MS;
  while (at < nowMs + notBeforeMs) at += windowSec * 1000;
  return at;
}

/** When the run's first generation expires, ms after the epoch: from then on memory no longer accumulates. */
export function windowFilledAt(startMs: number, windowSec: number): number {
  return generationExpiresAt(generationOf(startMs, windowSec), windowSec) * 1000;
}

/** Start (epoch ms) of the oldest generation still held at `atMs`, but not before the run's start. */
export function oldestHeldFrom(atMs: number, startMs: number, windowSec: number): number {
  // The first generation g with generationExpiresAt(g) > at.
  let g = Math.floor((atMs / 1000 - 60) / windowSec) - 2;
  while (generationExpiresAt(g, windowSec) * 1000 <= atMs) g++;
  return Math.max(startMs, g * windowSec * 1000);
}

export interface Flatness {
  verdict: 'flat' | 'growing' | 'inconclusive';
  rule: string;
  /** ms after the generator started. */
  windowFilledAtMs: number;
  reference: Half | null;
  check: Half | null;
  /** (check peak - reference peak) / reference peak. */
  growth: number | null;
  /** Least-squares slope of held memory over the steady part, bytes per minute. */
  slopeBytesPerMin: number | null;
  reason: string;
}

interface Half {
  fromMs: number;
  toMs: number;
  samples: number;
  peakHeldBytes: number;
  peakAtMs: number;
}

export interface FlatnessInput {
  samples: SoakSample[];
  /** Epoch ms when the generator started (sample t = 0). */
  startMs: number;
  windowSec: number;
  /** ms after the start when the generator finished. */
  trafficEndMs: number;
  baselineBytes: number;
}

export function judgeFlatness(input: FlatnessInput, tolerance = FLAT_TOLERANCE, slackBytes = FLAT_SLACK_BYTES): Flatness {
  const fill = windowFilledAt(input.startMs, input.windowSec) - input.startMs;
  const windowMs = input.windowSec * 1000;
  const held = (s: SoakSample) => stateBytes(s) - input.baselineBytes;
  const base = { rule: FLATNESS_RULE, windowFilledAtMs: fill, reference: null, check: null, growth: null, slopeBytesPerMin: null };
  const span = input.trafficEndMs - fill;
  if (span < 2 * windowMs) {
    const needMs = fill + 2 * windowMs;
    return { ...base, verdict: 'inconclusive', reason: `the traffic ended ${fmtS(input.trafficEndMs)} after the start, but the window filled only at ${fmtS(fill)}: judging needs two more windows (traffic of at least ${fmtS(needMs)}; run longer or with a shorter --window)` };
  }
  const mid = fill + span / 2;
  const steady = input.samples.filter((s) => s.phase === 'traffic' && s.t >= fill && s.t <= input.trafficEndMs);
  const half = (from: number, to: number, last: boolean): Half | null => {
    const mine = steady.filter((s) => s.t >= from && (last ? s.t <= to : s.t < to));
    if (mine.length === 0) return null;
    const peak = mine.reduce((a, b) => (held(b) > held(a) ? b : a));
    return { fromMs: from, toMs: to, samples: mine.length, peakHeldBytes: held(peak), peakAtMs: peak.t };
  };
  const reference = half(fill, mid, false);
  const check = half(mid, input.trafficEndMs, true);
  const slopeBytesPerMin = leastSquaresSlope(steady.map((s) => [s.t / 60_000, held(s)]));
  if (!reference || !check || reference.samples < 2 || check.samples < 2) {
    return { ...base, reference, check, slopeBytesPerMin, verdict: 'inconclusive', reason: `too few samples after the window filled (${reference?.samples ?? 0} + ${check?.samples ?? 0}; 2 per half needed): sample more often` };
  }
  const limit = reference.peakHeldBytes * (1 + tolerance) + slackBytes;
  const growth = reference.peakHeldBytes > 0 ? (check.peakHeldBytes - reference.peakHeldBytes) / reference.peakHeldBytes : null;
  const flat = check.peakHeldBytes <= limit;
  const shown = `peak held ${toMb(reference.peakHeldBytes)} MB at ${fmtS(reference.peakAtMs)} in the first half, ${toMb(check.peakHeldBytes)} MB at ${fmtS(check.peakAtMs)} in the second (limit ${toMb(limit)} MB)`;
  return { ...base, reference, check, growth, slopeBytesPerMin, verdict: flat ? 'flat' : 'growing', reason: flat ? `flat: ${shown}` : `memory grows after the window filled: ${shown}` };
}

function leastSquaresSlope(points: Array<[number, number]>): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / sxx;
}

export interface MemoryFigures {
  baselineMb: number;
  /** Held at the sample nearest the window fill, and at the generator's end. */
  heldAtFillMb: number | null;
  heldAtEndMb: number | null;
  /** Verify audit at the generator's end (not held by the window; grows with the run). */
  auditAtEndMb: number | null;
  /** Orders held at the second half's peak and the memory per order there (all four services together). */
  ordersHeld: number | null;
  bytesPerOrderHeld: number | null;
}

/** Memory figures for the summary; orders held at an instant are those created since the oldest generation still kept (assuming the services keep up). */
export function memoryFigures(input: FlatnessInput, flatness: Flatness): MemoryFigures {
  const held = (s: SoakSample) => stateBytes(s) - input.baselineBytes;
  const traffic = input.samples.filter((s) => s.phase === 'traffic');
  const nearest = (t: number) => (traffic.length ? traffic.reduce((a, b) => (Math.abs(b.t - t) < Math.abs(a.t - t) ? b : a)) : undefined);
  const atFill = traffic.some((s) => s.t >= flatness.windowFilledAtMs) ? nearest(flatness.windowFilledAtMs) : undefined;
  const atEnd = traffic.at(-1);
  let ordersHeld: number | null = null;
  let bytesPerOrderHeld: number | null = null;
  const peak = flatness.check ?? flatness.reference;
  if (peak) {
    const at = input.startMs + peak.peakAtMs;
    const from = oldestHeldFrom(at, input.startMs, input.windowSec) - input.startMs;
    ordersHeld = Math.round(createdAt(input.samples, peak.peakAtMs) - createdAt(input.samples, from));
    bytesPerOrderHeld = ordersHeld > 0 ? Math.round(peak.peakHeldBytes / ordersHeld) : null;
  }
  return {
    baselineMb: toMb(input.baselineBytes),
    heldAtFillMb: atFill ? toMb(held(atFill)) : null,
    heldAtEndMb: atEnd ? toMb(held(atEnd)) : null,
    auditAtEndMb: atEnd ? toMb(atEnd.auditBytes) : null,
    ordersHeld,
    bytesPerOrderHeld,
  };
}

/** Orders created by `t` (ms after the start), interpolated between samples. */
export function createdAt(samples: SoakSample[], t: number): number {
  const pts = samples.filter((s) => s.phase !== 'baseline').map((s) => [s.t, s.created] as const);
  if (t <= 0 || pts.length === 0) return 0;
  let prev: readonly [number, number] = [0, 0];
  for (const p of pts) {
    if (p[0] >= t) return prev[1] + ((p[1] - prev[1]) * (t - prev[0])) / Math.max(1, p[0] - prev[0]);
    prev = p;
  }
  return prev[1];
}

export function maxRssMb(samples: SoakSample[]): Record<SoakProcess, number | null> {
  return Object.fromEntries(
    SOAK_PROCESSES.map((p) => {
      const values = samples.map((s) => s.rssBytes[p]).filter((v): v is number => v !== null);
      return [p, values.length ? toMb(Math.max(...values)) : null];
    }),
  ) as Record<SoakProcess, number | null>;
}

export function lagAt(samples: SoakSample[], phase: SoakSample['phase']): number | null {
  const last = samples.filter((s) => s.phase === phase).at(-1);
  return last ? totalLag(last) : null;
}

const fmtS = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
