const { exp, log } = Math;

/**
 * Mean softmax cross-entropy, in nats, over `rows` rows of logits [rows, classes], with its gradient with
 * respect to the logits written into `dLogits` when given ((softmax − one-hot) / scored rows). Rows with a
 * negative target are not scored and get a zero gradient. Max-subtraction keeps exp() finite for any logits.
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  targets: ArrayLike<number>,
  rows: number,
  classes: number,
  dLogits?: Float32Array,
): { loss: number; count: number } {
  let total = 0;
  let count = 0;
  for (let n = 0; n < rows; n++) if (targets[n] >= 0) count++;
  for (let n = 0; n < rows; n++) {
    const o = n * classes;
    const target = targets[n];
    if (target < 0) {
      if (dLogits) dLogits.fill(0, o, o + classes);
      continue;
    }
    let max = -Infinity;
    for (let j = 0; j < classes; j++) if (logits[o + j] > max) max = logits[o + j];
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += exp(logits[o + j] - max);
    const logSum = log(sum) + max;
    total += logSum - logits[o + target];
    if (dLogits) {
      for (let j = 0; j < classes; j++) dLogits[o + j] = exp(logits[o + j] - logSum) / count;
      dLogits[o + target] -= 1 / count;
    }
  }
  return { loss: count ? total / count : 0, count };
}

/** Index of the largest logit of each row. */
export function argmaxRows(logits: Float32Array, rows: number, classes: number): Int32Array {
  const out = new Int32Array(rows);
  for (let b = 0; b < rows; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[b * classes + c] > logits[b * classes + best]) best = c;
    out[b] = best;
  }
  return out;
}
