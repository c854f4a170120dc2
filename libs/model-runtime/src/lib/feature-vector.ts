import { BadInputError } from './bad-input-error';

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
