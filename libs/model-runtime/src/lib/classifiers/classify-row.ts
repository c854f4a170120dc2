import * as ort from 'onnxruntime-node';
import type { InferenceTimings } from '@ai/contracts';
import { softmax } from './probabilities';
import type { LoadedModel } from '../loaded-model';

/** Class probabilities of one input row, and how it was served. */
export interface RowClassification {
  probabilities: Float64Array;
  timings: Omit<InferenceTimings, 'preprocessMs' | 'totalMs'>;
}

/**
 * Classifies one row (shaped `rowDims`, batch dimension 1) through the model's batcher and turns the first output
 * into probabilities (softmax when the model emits logits).
 */
export async function classifyRow(model: LoadedModel, row: Float32Array, rowDims: readonly number[]): Promise<RowClassification> {
  const input = model.config.inputs[0];
  const output = model.config.outputs[0];
  const result = await model.run({ [input.name]: new ort.Tensor('float32', row, [1, ...rowDims]) });
  const probabilities = toProbabilities(model, result.outputs[output.name].data as Float32Array);
  return {
    probabilities,
    timings: { queueMs: result.queueMs, inferenceMs: result.inferenceMs, batchSize: result.batchSize },
  };
}

/** The model's first output as probabilities: softmax when it emits logits. */
export function toProbabilities(model: LoadedModel, scores: Float32Array): Float64Array {
  return model.config.outputKind === 'logits' ? softmax(scores) : Float64Array.from(scores);
}
