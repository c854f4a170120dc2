/** How the next token is chosen from a row of logits. */
export interface SamplingOptions {
  /** Softmax temperature; 0 picks the most likely token (greedy). */
  temperature: number;
  /** Keep only the k most likely tokens before sampling; 0 keeps them all. */
  topK: number;
}

/**
 * Picks a token id from `logits` (one row, length vocab). Greedy at temperature 0; otherwise samples from
 * softmax(logits / temperature) over the tokens whose logit is at least the k-th largest (ties at the k-th
 * value are all kept), drawing one uniform number from `uniform`. Allocates two small arrays per call:
 * this runs once per generated token.
 */
export function sampleToken(logits: Float32Array, options: SamplingOptions, uniform: () => number): number {
  const v = logits.length;
  if (options.temperature === 0) return argmax(logits);
  const threshold = options.topK > 0 && options.topK < v ? Float32Array.from(logits).sort()[v - options.topK] : -Infinity;
  const max = logits[argmax(logits)];
  const weights = new Float64Array(v);
  let sum = 0;
  for (let i = 0; i < v; i++) {
    if (logits[i] < threshold) continue;
    weights[i] = Math.exp((logits[i] - max) / options.temperature);
    sum += weights[i];
  }
  let r = uniform() * sum;
  let last = 0;
  for (let i = 0; i < v; i++) {
    if (weights[i] === 0) continue;
    last = i;
    r -= weights[i];
    if (r < 0) return i;
  }
  return last;
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}
