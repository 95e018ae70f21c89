const BARS = '▁▂▃▄▅▆▇█';

/**
 * The last `width` values as bars scaled to the largest of them (right-aligned, so the
 * newest value is always in the same place). Zero is the lowest bar.
 */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const shown = values.slice(-width);
  const max = Math.max(0, ...shown);
  const bars = shown.map((v) => (max === 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.round((Math.max(0, v) / max) * (BARS.length - 1)))]));
  return ' '.repeat(width - shown.length) + bars.join('');
}
