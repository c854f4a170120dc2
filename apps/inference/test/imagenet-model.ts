import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildAlexNetGraph, buildMobileNetV2Graph, buildResNet50Graph } from '@ai/onnx-builder';

/** The ImageNet-shaped architectures the bench and tests can drop into a repository. */
export const IMAGENET_BENCH_MODELS = {
  'mobilenetv2-bench': { title: 'MobileNetV2', build: (seed: number) => buildMobileNetV2Graph({ seed }) },
  'resnet50-bench': { title: 'ResNet-50', build: (seed: number) => buildResNet50Graph({ seed }) },
  'alexnet-bench': { title: 'AlexNet', build: (seed: number) => buildAlexNetGraph({ seed }) },
} as const;
export type ImageNetBenchModel = keyof typeof IMAGENET_BENCH_MODELS;

export const IMAGENET_BENCH_MODEL: ImageNetBenchModel = 'mobilenetv2-bench';

/**
 * Drops an ImageNet-shaped classifier into `repository` as a user would drop in a model-zoo MobileNetV2, ResNet-50
 * or AlexNet: the model file plus a config (224×224 RGB, ImageNet mean/std, NCHW). The weights are seeded random, so
 * it is marked benchmarkOnly and its labels are placeholders. Reuses an existing folder. Returns the version folder.
 */
export function writeImageNetBenchModel(repository: string, seed = 1, name: ImageNetBenchModel = IMAGENET_BENCH_MODEL): string {
  const dir = join(repository, name, '1');
  if (existsSync(join(dir, 'model.onnx')) && existsSync(join(dir, 'config.json'))) return dir;
  const { title, build } = IMAGENET_BENCH_MODELS[name];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), build(seed).serialize());
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      {
        name,
        version: '1',
        task: 'image-classification',
        description: `Benchmark model: ${title}-shaped graph with random weights (seed ${seed}). Not a classifier.`,
        inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 3, 224, 224] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 1000] }],
        labels: Array.from({ length: 1000 }, (_, i) => `class-${i}`),
        preprocessing: { width: 224, height: 224, channels: 3, layout: 'NCHW', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
        maxBatchSize: 64,
        benchmarkOnly: true,
      },
      null,
      2,
    ),
  );
  return dir;
}
