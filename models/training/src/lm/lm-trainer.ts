import { SeededRandom } from '@ai/seeded-random';
import { Adam } from './adam';
import { softmaxCrossEntropy } from './cross-entropy';
import { DilatedConvLm, DilatedConvLmOptions } from './dilated-conv-lm';
import { bitsPerChar } from './evaluation';

/** Training settings; the defaults train in a few minutes on one CPU core. */
export interface LmTrainingOptions {
  seed: number;
  steps: number;
  batch: number;
  /** Length of each training window (also the context window recorded for generation). */
  seq: number;
  learningRate: number;
  /** Linear warm-up steps before the cosine decay to 10% of the learning rate. */
  warmupSteps: number;
  model: Omit<DilatedConvLmOptions, 'vocabSize'>;
  /** Called every `logEvery` steps with the mean training loss (bits per character) since the last call. */
  onProgress?: (step: number, trainBitsPerChar: number, lr: number) => void;
  logEvery?: number;
  /** A slice of held-out ids evaluated at each progress report (kept short: it costs time). */
  monitorIds?: Int32Array;
  onMonitor?: (step: number, heldOutBitsPerChar: number) => void;
}

/**
 * Trains a DilatedConvLm on random windows of `trainIds` with Adam. Everything random (initial weights,
 * window offsets) comes from one SeededRandom, so the same seed and options give the same weights.
 */
export function trainLm(trainIds: Int32Array, vocabSize: number, options: LmTrainingOptions): DilatedConvLm {
  const random = new SeededRandom(options.seed);
  const model = new DilatedConvLm({ ...options.model, vocabSize }, () => random.normal());
  const adam = new Adam(model.parameters());
  const { batch, seq } = options;
  const rows = batch * seq;
  const inputs = new Int32Array(rows);
  const targets = new Int32Array(rows);
  const dLogits = new Float32Array(rows * vocabSize);
  const logEvery = options.logEvery ?? 100;
  let lossSum = 0;
  for (let step = 1; step <= options.steps; step++) {
    for (let b = 0; b < batch; b++) {
      const start = random.int(trainIds.length - seq - 1);
      inputs.set(trainIds.subarray(start, start + seq), b * seq);
      targets.set(trainIds.subarray(start + 1, start + seq + 1), b * seq);
    }
    const acts = model.forward(inputs, batch, seq);
    lossSum += softmaxCrossEntropy(acts.logits, targets, rows, vocabSize, dLogits).loss;
    model.backward(acts, dLogits);
    const lr = learningRateAt(step, options);
    adam.step(lr);
    if (step % logEvery === 0 || step === options.steps) {
      options.onProgress?.(step, lossSum / (step % logEvery || logEvery) / Math.LN2, lr);
      lossSum = 0;
      if (options.monitorIds) options.onMonitor?.(step, bitsPerChar(model, options.monitorIds));
    }
  }
  return model;
}

function learningRateAt(step: number, o: LmTrainingOptions): number {
  if (step <= o.warmupSteps) return (o.learningRate * step) / o.warmupSteps;
  const progress = (step - o.warmupSteps) / Math.max(1, o.steps - o.warmupSteps);
  return o.learningRate * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
