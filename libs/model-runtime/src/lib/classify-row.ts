import * as ort from 'onnxruntime-node';
import type { InferenceTimings } from '@ai/contracts';
import { softmax } from './probabilities';
import type { LoadedModel } from './loaded-model';

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
  const scores = result.outputs[output.name].data as Float32Array;
  const probabilities = model.config.outputKind === 'logits' ? softmax(scores) : Float64Array.from(scores);
  return {
    probabilities,
    timings: { queueMs: result.queueMs, inferenceMs: result.inferenceMs, batchSize: result.batchSize },
  };
}
