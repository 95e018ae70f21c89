import type { GroupSample } from './compute-lag.js';

/**
 * Recent samples per group for `lag --watch`: rates and ETAs compare the newest sample with
 * the oldest one still inside the window, so a single slow poll does not swing them.
 */
export class LagHistory {
  private readonly byGroup = new Map<string, GroupSample[]>();

  constructor(private readonly windowMs: number) {}

  /** Remember `sample`; return the earlier samples of its group within the window, oldest first. */
  add(sample: GroupSample): GroupSample[] {
    const kept = (this.byGroup.get(sample.group) ?? []).filter((s) => sample.takenAt - s.takenAt <= this.windowMs && s.takenAt < sample.takenAt);
    this.byGroup.set(sample.group, [...kept, sample]);
    return kept;
  }
}
