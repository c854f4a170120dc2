import { buildMobileNetV2Graph } from '@ai/onnx-builder';
import { writeModelArtifact } from './model-artifact';

export const BENCH_MODEL_NAME = 'mobilenetv2-bench';

/**
 * Writes `<repository>/mobilenetv2-bench/1/` — a MobileNetV2-shaped graph with seeded random weights and the
 * config of a standard ImageNet classifier (224×224 RGB, NCHW, ImageNet mean/std). It is marked
 * `benchmarkOnly`: its labels are placeholders and its answers meaningless. About 14 MB, so it is built on
 * demand (never committed). Returns the version folder.
 */
export function writeBenchModel(repository: string, options: { seed?: number; widthMultiplier?: number } = {}): string {
  const seed = options.seed ?? 1;
  const widthMultiplier = options.widthMultiplier ?? 1;
  const model = buildMobileNetV2Graph({ seed, widthMultiplier, numClasses: 1000 }).serialize();
  return writeModelArtifact(
    repository,
    {
      name: BENCH_MODEL_NAME,
      version: '1',
      task: 'image-classification',
      description: `Benchmark model: MobileNetV2-shaped graph (width ${widthMultiplier}) with random weights (seed ${seed}). Not a classifier.`,
      inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 1000] }],
      outputKind: 'logits',
      labels: Array.from({ length: 1000 }, (_, i) => `class-${i}`),
      preprocessing: {
        width: 224,
        height: 224,
        channels: 3,
        layout: 'NCHW',
        scale: 255,
        mean: [0.485, 0.456, 0.406],
        std: [0.229, 0.224, 0.225],
        invert: false,
        resize: 'fill',
      },
      maxBatchSize: 64,
      metrics: { seed, widthMultiplier },
      benchmarkOnly: true,
    },
    model,
    { maxBytes: Infinity },
  );
}
