import { DIGIT_PIXELS, DIGIT_SIZE, DigitSet } from './mnist-digits';

/** Length of the digits-mlp feature vector. */
export const FEATURE_GRID = 10;
export const FEATURE_COUNT = FEATURE_GRID * FEATURE_GRID;

/** The feature definition, stated in digits-mlp's config.json so clients can compute it. */
export const FEATURE_DESCRIPTION =
  'features: 100 floats, a 10×10 thumbnail of the 28×28 digit (white on black, pixels scaled to [0, 1]): ' +
  'pad the image with one black pixel on every side to 30×30, average each 3×3 block, row-major.';

/** One digit [28×28 in [0, 1]] → its 100 features (see FEATURE_DESCRIPTION). */
export function digitFeatures(pixels: ArrayLike<number>, offset = 0): Float32Array {
  const out = new Float32Array(FEATURE_COUNT);
  for (let y = 0; y < DIGIT_SIZE; y++) {
    // +1 for the padding row/column: pixel (y, x) sits at (y + 1, x + 1) of the 30×30 canvas.
    const row = Math.floor((y + 1) / 3) * FEATURE_GRID;
    for (let x = 0; x < DIGIT_SIZE; x++) out[row + Math.floor((x + 1) / 3)] += pixels[offset + y * DIGIT_SIZE + x] / 9;
  }
  return out;
}

/** Features of every digit in a set, [count, 100]. */
export function featuresOf(set: DigitSet): Float32Array {
  const out = new Float32Array(set.count * FEATURE_COUNT);
  for (let i = 0; i < set.count; i++) out.set(digitFeatures(set.images, i * DIGIT_PIXELS), i * FEATURE_COUNT);
  return out;
}
