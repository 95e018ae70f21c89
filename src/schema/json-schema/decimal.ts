/** A number as an exact decimal: digits × 10^-scale, from its shortest decimal text (as BigDecimal reads it). */
function decimal(n: number): { digits: bigint; scale: number } {
  const [mantissa = '0', exponent = '0'] = String(n).toLowerCase().split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const scale = fraction.length - Number(exponent);
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

/** Whether `dividend` is an exact multiple of `divisor`, computed in decimal so 0.3 is a multiple of 0.1. */
export function isMultipleOf(dividend: number, divisor: number): boolean {
  const a = decimal(dividend);
  const b = decimal(divisor);
  if (b.digits === 0n) return false;
  const scale = Math.max(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.digits * 10n ** BigInt(scale - b.scale);
  return x % y === 0n;
}
