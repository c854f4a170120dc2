/**
 * mulberry32: a small 32-bit PRNG. The same seed gives the same draws on every platform, which is what
 * makes a seeded generation repeatable.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How the next token is chosen from a row of logits. */
export interface SamplingOptions {
  /** Softmax temperature; 0 picks the most likely token (greedy). */
  temperature: number;
  /** Keep only the k most likely tokens before sampling; 0 keeps them all. */
  topK: number;
}

/**
 * Picks a token id from `logits` (one row, length vocab). Greedy at temperature 0; otherwise samples from
 * softmax(logits / temperature) restricted to the top k, drawing one uniform number from `uniform`.
 */
export function sampleToken(logits: Float32Array, options: SamplingOptions, uniform: () => number): number {
  const v = logits.length;
  if (options.temperature === 0) return argmax(logits);
  let candidates = Array.from({ length: v }, (_, i) => i);
  if (options.topK > 0 && options.topK < v) {
    // Ties broken by id keep the order, and therefore the draw, deterministic.
    candidates.sort((a, b) => logits[b] - logits[a] || a - b);
    candidates = candidates.slice(0, options.topK);
  }
  let max = -Infinity;
  for (const i of candidates) if (logits[i] > max) max = logits[i];
  const weights = candidates.map((i) => Math.exp((logits[i] - max) / options.temperature));
  let r = uniform() * weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < candidates.length; k++) {
    r -= weights[k];
    if (r < 0) return candidates[k];
  }
  return candidates[candidates.length - 1];
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
