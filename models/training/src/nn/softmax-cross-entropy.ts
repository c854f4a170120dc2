/**
 * Mean softmax cross-entropy over a batch of logits [batch, classes] and its gradient with respect to the
 * logits, (softmax − one-hot) / batch. Max-subtraction keeps exp() finite for any logits.
 */
export function softmaxCrossEntropy(logits: Float32Array, labels: ArrayLike<number>, batch: number, classes: number): { loss: number; grad: Float32Array } {
  const grad = new Float32Array(batch * classes);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const off = b * classes;
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[off + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(logits[off + c] - max);
      grad[off + c] = e;
      sum += e;
    }
    const label = labels[b];
    loss += -Math.log(Math.max(grad[off + label] / sum, 1e-30));
    for (let c = 0; c < classes; c++) grad[off + c] = (grad[off + c] / sum - (c === label ? 1 : 0)) / batch;
  }
  return { loss: loss / batch, grad };
}

/** Index of the largest logit of each row. */
export function argmaxRows(logits: Float32Array, batch: number, classes: number): Int32Array {
  const out = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[b * classes + c] > logits[b * classes + best]) best = c;
    out[b] = best;
  }
  return out;
}
