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

/** The `k` most probable classes, best first (ties: lower index first); a class without a label is named by its index. */
export function topK(probabilities: ArrayLike<number>, k: number, labels: readonly string[] = []): ScoredLabel[] {
  return bestIndices(probabilities, Math.max(0, Math.min(k, probabilities.length))).map((index) => ({
    label: labels[index] ?? String(index),
    index,
    // Clamp float rounding so the value always satisfies a [0, 1] schema.
    probability: Math.min(1, Math.max(0, probabilities[index])),
  }));
}

/**
 * Indices of the `k` largest values, largest first. A small k (the usual top-5 of 1,000 classes) keeps a sorted
 * list of k and passes over the scores once, instead of sorting every index with a comparator on each request.
 */
function bestIndices(values: ArrayLike<number>, k: number): number[] {
  if (k * 8 > values.length) {
    const all = Array.from({ length: values.length }, (_, i) => i);
    return all.sort((a, b) => values[b] - values[a] || a - b).slice(0, k);
  }
  const best: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i];
    if (best.length === k && !(value > values[best[k - 1]])) continue;
    // Walk past every kept value that is not smaller, so an equal value found earlier (a lower index) stays ahead.
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && values[best[at - 1]] < value) {
      best[at] = best[at - 1];
      at -= 1;
    }
    best[at] = i;
  }
  return best;
}
