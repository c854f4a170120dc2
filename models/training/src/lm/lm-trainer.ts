import { SeededRandom } from '@ai/seeded-random';
import { Adam } from '../toolkit/adam';
import { fit } from '../toolkit/fit';
import { warmupCosine } from '../toolkit/learning-rate';
import { softmaxCrossEntropy } from '../toolkit/softmax-cross-entropy';
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

/** `steps` batches of `batch` random windows of `seq` ids, each with its next-id targets. */
function* randomWindows(trainIds: Int32Array, random: SeededRandom, options: LmTrainingOptions): Generator<{ inputs: Int32Array; targets: Int32Array }> {
  const { batch, seq } = options;
  const inputs = new Int32Array(batch * seq);
  const targets = new Int32Array(batch * seq);
  for (let step = 1; step <= options.steps; step++) {
    for (let b = 0; b < batch; b++) {
      const start = random.int(trainIds.length - seq - 1);
      inputs.set(trainIds.subarray(start, start + seq), b * seq);
      targets.set(trainIds.subarray(start + 1, start + seq + 1), b * seq);
    }
    yield { inputs, targets };
  }
}

/**
 * Trains a DilatedConvLm on random windows of `trainIds` with Adam (gradients clipped to global norm 1).
 * Everything random (initial weights, window offsets) comes from one SeededRandom, so the same seed and
 * options give the same weights.
 */
export function trainLm(trainIds: Int32Array, vocabSize: number, options: LmTrainingOptions): DilatedConvLm {
  const random = new SeededRandom(options.seed);
  const model = new DilatedConvLm({ ...options.model, vocabSize }, () => random.normal());
  const rows = options.batch * options.seq;
  const dLogits = new Float32Array(rows * vocabSize);
  const logEvery = options.logEvery ?? 100;
  let lossSum = 0;
  fit({
    batches: randomWindows(trainIds, random, options),
    optimizer: new Adam(model.parameters(), { clipNorm: 1 }),
    learningRate: warmupCosine(options.learningRate, options.warmupSteps, options.steps),
    lossAndGradients: ({ inputs, targets }) => {
      const acts = model.forward(inputs, options.batch, options.seq);
      const { loss } = softmaxCrossEntropy(acts.logits, targets, rows, vocabSize, dLogits);
      model.backward(acts, dLogits);
      return loss;
    },
    onStep: (step, loss, lr) => {
      lossSum += loss;
      if (step % logEvery !== 0 && step !== options.steps) return;
      options.onProgress?.(step, lossSum / (step % logEvery || logEvery) / Math.LN2, lr);
      lossSum = 0;
      if (options.monitorIds) options.onMonitor?.(step, bitsPerChar(model, options.monitorIds));
    },
  });
  return model;
}
