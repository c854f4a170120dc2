import { DilatedConvLm } from './dilated-conv-lm';

/** Draws `length` characters after `prompt` from the model at `temperature` (for the training log). */
export function sampleIds(model: DilatedConvLm, prompt: Int32Array, length: number, temperature: number, uniform: () => number): Int32Array {
  const v = model.options.vocabSize;
  const ids = Array.from(prompt);
  for (let k = 0; k < length; k++) {
    const context = Int32Array.from(ids.slice(-model.receptiveField));
    const { logits } = model.forward(context, 1, context.length);
    const row = logits.subarray((context.length - 1) * v, context.length * v);
    let max = -Infinity;
    for (const x of row) if (x > max) max = x;
    const p = Array.from(row, (x) => Math.exp((x - max) / temperature));
    let r = uniform() * p.reduce((a, b) => a + b, 0);
    let next = 0;
    while (next < v - 1 && (r -= p[next]) > 0) next++;
    ids.push(next);
  }
  return Int32Array.from(ids.slice(prompt.length));
}
