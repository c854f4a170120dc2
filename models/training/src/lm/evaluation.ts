import { softmaxCrossEntropy } from '../toolkit/softmax-cross-entropy';
import { DilatedConvLm } from './dilated-conv-lm';

/**
 * Bits per character of `model` predicting ids[1..] from everything before. The text is cut into windows
 * that overlap by receptiveField − 1 positions and only positions with their whole receptive field inside
 * the window are scored, so the result equals one pass over the whole text as a single sequence.
 */
export function bitsPerChar(model: DilatedConvLm, ids: Int32Array, window = 1024): number {
  const overlap = model.receptiveField - 1;
  let nats = 0;
  let count = 0;
  for (let start = 0; start < ids.length - 1; start += window - overlap) {
    const seq = Math.min(window, ids.length - 1 - start);
    const inputs = ids.subarray(start, start + seq);
    const targets = new Int32Array(seq);
    for (let t = 0; t < seq; t++) targets[t] = start > 0 && t < overlap ? -1 : ids[start + t + 1];
    const { logits } = model.forward(inputs, 1, seq);
    const r = softmaxCrossEntropy(logits, targets, seq, model.options.vocabSize);
    nats += r.loss * r.count;
    count += r.count;
    if (start + seq >= ids.length - 1) break;
  }
  return nats / count / Math.LN2;
}

/**
 * The unigram baseline: each character predicted with its training-text frequency (add-one smoothed),
 * scored on the same positions as bitsPerChar (ids[1..]).
 */
export function unigramBitsPerChar(trainIds: Int32Array, heldOutIds: Int32Array, vocabSize: number): number {
  const counts = new Float64Array(vocabSize).fill(1);
  for (const id of trainIds) counts[id]++;
  const total = trainIds.length + vocabSize;
  let bits = 0;
  for (let i = 1; i < heldOutIds.length; i++) bits -= Math.log2(counts[heldOutIds[i]] / total);
  return bits / (heldOutIds.length - 1);
}
