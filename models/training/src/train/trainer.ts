import { SeededRandom } from '@ai/seeded-random';
import { Adam } from '../nn/adam';
import { Sequential } from '../nn/sequential';
import { argmaxRows, softmaxCrossEntropy } from '../nn/softmax-cross-entropy';

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

/** Mini-batch Adam on softmax cross-entropy; a fresh seeded shuffle of the training set every epoch. */
export function train(model: Sequential, data: LabelledData, options: TrainOptions): void {
  const rng = new SeededRandom(options.seed);
  const optimizer = new Adam(model.params, { learningRate: options.learningRate, weightDecay: options.weightDecay });
  const order = Array.from({ length: data.count }, (_, i) => i);
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const started = performance.now();
    rng.shuffle(order);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < data.count; start += options.batchSize) {
      const batch = Math.min(options.batchSize, data.count - start);
      const x = new Float32Array(batch * data.sampleSize);
      const labels = new Uint8Array(batch);
      for (let b = 0; b < batch; b++) {
        const i = order[start + b];
        x.set(data.inputs.subarray(i * data.sampleSize, (i + 1) * data.sampleSize), b * data.sampleSize);
        labels[b] = data.labels[i];
      }
      const logits = model.forward(x, batch);
      const { loss, grad } = softmaxCrossEntropy(logits, labels, batch, options.classes);
      lossSum += loss * batch;
      argmaxRows(logits, batch, options.classes).forEach((p, b) => (correct += p === labels[b] ? 1 : 0));
      model.backward(grad, batch);
      optimizer.step();
    }
    options.onEpoch?.({ epoch, loss: lossSum / data.count, trainAccuracy: correct / data.count, seconds: (performance.now() - started) / 1000 });
    optimizer.learningRate *= options.learningRateDecay ?? 1;
  }
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
