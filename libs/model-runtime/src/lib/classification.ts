/** One ranked class. */
export interface ScoredLabel {
  label: string;
  index: number;
  probability: number;
}

/** Numerically stable softmax (subtracts the max before exponentiating). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i += 1) max = Math.max(max, logits[i]);
  const out = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i += 1) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i += 1) out[i] /= sum;
  return out;
}

/** The `k` most probable classes, best first; a class without a label is named by its index. */
export function topK(probabilities: ArrayLike<number>, k: number, labels: readonly string[] = []): ScoredLabel[] {
  const indices = Array.from({ length: probabilities.length }, (_, i) => i);
  indices.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return indices.slice(0, Math.max(0, k)).map((index) => ({
    label: labels[index] ?? String(index),
    index,
    // Clamp float rounding so the value always satisfies a [0, 1] schema.
    probability: Math.min(1, Math.max(0, probabilities[index])),
  }));
}
