import { SeededRandom } from '@ai/seeded-random';
import { Sequential } from '../nn/sequential';
import { Adam } from '../toolkit/adam';
import { fit } from '../toolkit/fit';
import { stepDecay } from '../toolkit/learning-rate';
import { argmaxRows, softmaxCrossEntropy } from '../toolkit/softmax-cross-entropy';

/** Inputs [count, sampleSize] (already preprocessed exactly as the exported model will receive them) and labels. */
export interface LabelledData {
  inputs: Float32Array;
  labels: Uint8Array;
  count: number;
  sampleSize: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffles. */
  seed: number;
  learningRate: number;
  /** Learning rate multiplies by this after each epoch (step decay); default 1. */
  learningRateDecay?: number;
  weightDecay?: number;
  classes: number;
  /** Called after each epoch, e.g. to print progress. */
  onEpoch?: (report: { epoch: number; loss: number; trainAccuracy: number; seconds: number }) => void;
}

/** One mini-batch of an epoch; `last` marks the epoch's final batch. */
interface DigitBatch {
  epoch: number;
  last: boolean;
  x: Float32Array;
  labels: Uint8Array;
  size: number;
}

/** Every epoch, a fresh seeded shuffle of the training set cut into mini-batches. */
function* shuffledBatches(data: LabelledData, options: TrainOptions): Generator<DigitBatch> {
  const rng = new SeededRandom(options.seed);
  const order = Array.from({ length: data.count }, (_, i) => i);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < data.count; start += options.batchSize) {
      const size = Math.min(options.batchSize, data.count - start);
      const x = new Float32Array(size * data.sampleSize);
      const labels = new Uint8Array(size);
      for (let b = 0; b < size; b++) {
        const i = order[start + b];
        x.set(data.inputs.subarray(i * data.sampleSize, (i + 1) * data.sampleSize), b * data.sampleSize);
        labels[b] = data.labels[i];
      }
      yield { epoch, last: start + size >= data.count, x, labels, size };
    }
  }
}

/** Mini-batch Adam on softmax cross-entropy over shuffled epochs, with step decay of the learning rate. */
export function train(model: Sequential, data: LabelledData, options: TrainOptions): void {
  const stepsPerEpoch = Math.ceil(data.count / options.batchSize);
  let epochStarted = performance.now();
  let lossSum = 0;
  let correct = 0;
  fit({
    batches: shuffledBatches(data, options),
    optimizer: new Adam(model.params, { learningRate: options.learningRate, weightDecay: options.weightDecay }),
    learningRate: stepDecay(options.learningRate, options.learningRateDecay ?? 1, stepsPerEpoch),
    lossAndGradients: ({ x, labels, size }) => {
      const logits = model.forward(x, size);
      const grad = new Float32Array(logits.length);
      const { loss } = softmaxCrossEntropy(logits, labels, size, options.classes, grad);
      argmaxRows(logits, size, options.classes).forEach((p, b) => (correct += p === labels[b] ? 1 : 0));
      model.backward(grad, size);
      return loss;
    },
    onStep: (_step, loss, _lr, batch) => {
      lossSum += loss * batch.size;
      if (!batch.last) return;
      const seconds = (performance.now() - epochStarted) / 1000;
      options.onEpoch?.({ epoch: batch.epoch, loss: lossSum / data.count, trainAccuracy: correct / data.count, seconds });
      epochStarted = performance.now();
      lossSum = 0;
      correct = 0;
    },
  });
}

/** Share of samples whose highest logit is the label. */
export function accuracy(model: Sequential, data: LabelledData, classes: number, batchSize = 250): number {
  let correct = 0;
  for (let start = 0; start < data.count; start += batchSize) {
    const batch = Math.min(batchSize, data.count - start);
    const logits = model.forward(data.inputs.subarray(start * data.sampleSize, (start + batch) * data.sampleSize), batch);
    argmaxRows(logits, batch, classes).forEach((p, b) => (correct += p === data.labels[start + b] ? 1 : 0));
  }
  return correct / data.count;
}
