/** `values` plus `value`, keeping only the newest `capacity`: a bounded, immutable ring buffer. */
export function pushBounded<T>(values: readonly T[], value: T, capacity: number): T[] {
  const start = Math.max(0, values.length + 1 - capacity);
  const out = values.slice(start);
  out.push(value);
  return out;
}
