// Read once: jest runs code in a vm context whose global object is an interceptor, so a global lookup such as
// `Math` inside this hot closure costs a few hundred nanoseconds there and made weight generation 30× slower.
const { imul } = Math;

/**
 * mulberry32: a tiny, fast 32-bit PRNG. The same seed gives the same sequence on every platform, which is what
 * makes weight initialisation, data splits, arrival times, fuzz cases and seeded generation reproducible.
 * Not for anything security-related.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
