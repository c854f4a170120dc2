import type { PredictResponse } from '@ai/contracts';
import { topK } from './probabilities';
import { classifyRow } from './classify-row';
import { BadInputError } from '../errors';
import type { LoadedModel } from '../loaded-model';

export type TabularPrediction = Omit<PredictResponse, 'model' | 'version'>;

/** Flat feature vector → length check → batched run → best label and top 3. */
export interface TabularClassifier {
  /** Features per row, from the model's input shape. */
  featureCount: number;
  predict(features: readonly number[]): Promise<TabularPrediction>;
}

export function createTabularClassifier(model: LoadedModel): TabularClassifier {
  const shape = model.config.inputs[0].shape;
  const rowDims = shape.slice(1);
  if (rowDims.length === 0 || rowDims.some((d) => d < 0)) {
    throw new Error(`${model.version.dir}/config.json: a tabular model needs a fixed feature shape, got [${shape}]`);
  }
  const featureCount = rowDims.reduce((n, d) => n * d, 1);
  return {
    featureCount,
    async predict(features) {
      const started = performance.now();
      const row = toFeatureRow(features, featureCount);
      const preprocessMs = performance.now() - started;
      const { probabilities, timings } = await classifyRow(model, row, rowDims);
      const top3 = topK(probabilities, 3, model.config.labels);
      return {
        label: top3[0].label,
        probability: top3[0].probability,
        top3,
        timings: { preprocessMs, ...timings, totalMs: performance.now() - started },
      };
    },
  };
}

/** Checks a flat feature vector against the model's input length and packs it for onnxruntime. */
export function toFeatureRow(features: readonly number[], expectedLength: number, field = 'features'): Float32Array {
  if (features.length !== expectedLength) {
    throw new BadInputError(`${field}: expected ${expectedLength} values, got ${features.length}`, field, 'wrong_feature_length');
  }
  for (let i = 0; i < features.length; i += 1) {
    if (!Number.isFinite(features[i])) throw new BadInputError(`${field}.${i}: must be a finite number`, `${field}.${i}`);
  }
  return Float32Array.from(features);
}
