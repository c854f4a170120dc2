/**
 * Mean softmax cross-entropy over `rows` predictions, in nats, with its gradient with respect to the
 * logits written into `dLogits` (already divided by the number of rows). Rows with a negative target are
 * skipped (not scored) and get a zero gradient.
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  targets: Int32Array,
  rows: number,
  vocab: number,
  dLogits?: Float32Array,
): { loss: number; count: number } {
  let total = 0;
  let count = 0;
  for (let n = 0; n < rows; n++) if (targets[n] >= 0) count++;
  for (let n = 0; n < rows; n++) {
    const o = n * vocab;
    const target = targets[n];
    if (target < 0) {
      if (dLogits) dLogits.fill(0, o, o + vocab);
      continue;
    }
    let max = -Infinity;
    for (let j = 0; j < vocab; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < vocab; j++) sum += Math.exp(logits[o + j] - max);
    const logSum = Math.log(sum) + max;
    total += logSum - logits[o + target];
    if (dLogits) {
      for (let j = 0; j < vocab; j++) dLogits[o + j] = Math.exp(logits[o + j] - logSum) / count;
      dLogits[o + target] -= 1 / count;
    }
  }
  return { loss: count ? total / count : 0, count };
}
