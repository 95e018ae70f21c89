import { mulberry32 } from '../topics/seeded-random.js';

/** Reproducible random choices for the generator: the same seed gives the same traffic. */
export class SeededRandom {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 0x1_0000_0000;
  }

  /** Integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** RFC 4122 version-4 UUID built from the seeded stream. */
  uuid(): string {
    const a = this.next();
    const b = (this.next() & 0xffff0fff) | 0x4000; // version 4
    const c = ((this.next() & 0x3fffffff) | 0x80000000) >>> 0; // variant 10
    const d = this.next();
    return `${word(a)}-${HEX[b >>> 24]}${HEX[(b >>> 16) & 0xff]}-${HEX[(b >>> 8) & 0xff]}${HEX[b & 0xff]}-${HEX[c >>> 24]}${HEX[(c >>> 16) & 0xff]}-${HEX[(c >>> 8) & 0xff]}${HEX[c & 0xff]}${word(d)}`;
  }

  /** `bytes` random bytes as lowercase hex (whole 32-bit words, big-endian, as many as needed). */
  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i += 4) s += word(this.next());
    return bytes % 4 === 0 ? s : s.slice(0, bytes * 2);
  }
}

// Two hex digits per byte from a table: half the cost of filling a Buffer and hex-encoding it
// (profiled: two ids and a traceparent per record).
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const word = (w: number) => HEX[w >>> 24]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[w & 0xff]!;

/**
 * Zipf-like popularity over `n` items (rank r has weight 1/r^s): a few users place many
 * orders, like real shops. Sampling is a binary search over the cumulative weights.
 */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(n: number, s = 1.1) {
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let r = 1; r <= n; r++) this.cdf[r - 1] = total += 1 / r ** s;
    for (let i = 0; i < n; i++) this.cdf[i]! /= total;
  }

  /** A 0-based rank. */
  sample(rng: SeededRandom): number {
    const u = rng.float();
    let lo = 0;
    let hi = this.cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
