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
    const b = this.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  hex(bytes: number): string {
    return this.bytes(bytes).toString('hex');
  }

  // Whole 32-bit words into a buffer: far cheaper than formatting each word as text (profiled).
  private bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(Math.ceil(n / 4) * 4);
    for (let i = 0; i < b.length; i += 4) b.writeUInt32BE(this.next(), i);
    return b.subarray(0, n);
  }
}

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
