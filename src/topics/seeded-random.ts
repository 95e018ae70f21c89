/**
 * mulberry32: a tiny, fast 32-bit PRNG. Not for secrets; it exists so sample data and
 * tests are reproducible from a seed (Math.random cannot be seeded).
 * Returns a generator of unsigned 32-bit integers.
 */
export function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}
