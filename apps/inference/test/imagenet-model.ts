import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMobileNetV2Graph } from '@ai/onnx-builder';

export const IMAGENET_BENCH_MODEL = 'mobilenetv2-bench';

/**
 * Drops an ImageNet-shaped classifier into `repository` as a user would drop in a model-zoo MobileNetV2: the
 * model file plus a config (224×224 RGB, ImageNet mean/std, NCHW). The weights are seeded random, so it is marked
 * benchmarkOnly and its labels are placeholders. Reuses an existing folder. Returns the version folder.
 */
export function writeImageNetBenchModel(repository: string, seed = 1): string {
  const dir = join(repository, IMAGENET_BENCH_MODEL, '1');
  if (existsSync(join(dir, 'model.onnx')) && existsSync(join(dir, 'config.json'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), buildMobileNetV2Graph({ seed }).serialize());
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify(
      {
        name: IMAGENET_BENCH_MODEL,
        version: '1',
        task: 'image-classification',
        description: `Benchmark model: MobileNetV2-shaped graph with random weights (seed ${seed}). Not a classifier.`,
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
