/** `values` plus `value`, keeping only the newest `capacity`: a bounded, immutable ring buffer. */
export function pushBounded<T>(values: readonly T[], value: T, capacity: number): T[] {
  const start = Math.max(0, values.length + 1 - capacity);
  const out = values.slice(start);
  out.push(value);
  return out;
}

/**
 * `values` (oldest first, by `at`) plus `value`, each kept value at least `gapMs` after the one
 * before it (the newest always kept, replacing a previous newest that was too close): a window
 * holds about window/gap values whatever the refresh rate.
 */
export function pushSpaced<T>(values: readonly T[], value: T, gapMs: number, at: (v: T) => number): T[] {
  const out = values.slice();
  if (out.length >= 2 && at(out[out.length - 1]!) - at(out[out.length - 2]!) < gapMs) out.pop();
  out.push(value);
  return out;
}

/**
 * The newest `capacity` values of a series, immutable to whoever holds one: `push` returns a
 * new window and leaves this one as it was. The newest window appends to the buffer it shares
 * with the older ones (they end before the new value), so a push costs no copy of the
 * window; the buffer is copied only when it holds twice the window or was appended past
 * already (an older window pushed again).
 */
export class RecentValues {
  static empty(capacity: number): RecentValues {
    return new RecentValues([], 0, 0, capacity);
  }

  private constructor(
    private readonly buf: number[],
    private readonly start: number,
    private readonly end: number,
    readonly capacity: number,
  ) {}

  get length(): number {
    return this.end - this.start;
  }

  push(value: number): RecentValues {
    let { buf, start, end } = this;
    if (buf.length !== end || buf.length >= 2 * this.capacity) {
      buf = buf.slice(Math.max(start, end + 1 - this.capacity), end);
      start = 0;
      end = buf.length;
    }
    buf.push(value);
    return new RecentValues(buf, Math.max(start, end + 1 - this.capacity), end + 1, this.capacity);
  }

  values(): number[] {
    return this.buf.slice(this.start, this.end);
  }
}
