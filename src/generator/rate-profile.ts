import { UsageError } from '../errors.js';

export type ProfileName = 'steady' | 'ramp' | 'spike';

/** Records per second over time, as piecewise-linear points (seconds, rate). */
export interface RateProfile {
  name: ProfileName;
  peakPerSec: number;
  points: Array<[number, number]>;
}

/**
 * steady: the peak rate throughout. ramp: the seasonal surge, from 10% to the peak over the
 * first 60% of the run, then held. spike: 25% baseline with a sudden burst to the peak in the
 * middle fifth of the run, then back.
 */
export function rateProfile(name: ProfileName, peakPerSec: number, durationSec: number | undefined): RateProfile {
  if (name === 'steady') return { name, peakPerSec, points: [[0, peakPerSec]] };
  if (!durationSec) throw new UsageError(`--profile ${name} needs --duration (its shape is laid over the run's length)`);
  const d = durationSec;
  const points: Array<[number, number]> =
    name === 'ramp'
      ? [[0, peakPerSec * 0.1], [d * 0.6, peakPerSec], [d, peakPerSec]]
      : [[0, peakPerSec * 0.25], [d * 0.4, peakPerSec * 0.25], [d * 0.42, peakPerSec], [d * 0.58, peakPerSec], [d * 0.6, peakPerSec * 0.25], [d, peakPerSec * 0.25]];
  return { name, peakPerSec, points };
}

/** The rate at `t` seconds. */
export function rateAt(profile: RateProfile, t: number): number {
  const pts = profile.points;
  if (t <= pts[0]![0] || pts.length === 1) return pts[0]![1];
  for (let i = 1; i < pts.length; i++) {
    const [t1, r1] = pts[i]!;
    const [t0, r0] = pts[i - 1]!;
    if (t <= t1) return r0 + ((r1 - r0) * (t - t0)) / (t1 - t0);
  }
  return pts.at(-1)![1];
}

/** How many records should have been sent by `t` seconds: the integral of the rate. */
export function targetCount(profile: RateProfile, t: number): number {
  const pts = profile.points;
  let total = 0;
  for (let i = 1; i < pts.length && pts[i - 1]![0] < t; i++) {
    const [t0, r0] = pts[i - 1]!;
    const t1 = Math.min(pts[i]![0], t);
    total += ((r0 + rateAt(profile, t1)) / 2) * (t1 - t0);
  }
  const last = pts.at(-1)!;
  if (t > last[0]) total += last[1] * (t - last[0]);
  return total;
}
