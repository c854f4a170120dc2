import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyConvGraph } from '@ai/onnx-builder';

/**
 * A temporary model repository with `digits-cnn/<version>`: the seeded tiny conv net of `@ai/onnx-builder` (the
 * real model's input/output names) and the real config shape. Its answers mean nothing; the metrics test only
 * needs an inference service that loads a model and serves /metrics, independent of the trained files.
 */
export function tinyDigitsRepository(version = '1'): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ai-charts-models-'));
  const dir = join(root, 'digits-cnn', version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), buildTinyConvGraph({ seed: 7 }).serialize());
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      name: 'digits-cnn',
      version,
      task: 'image-classification',
      inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 10] }],
      labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      preprocessing: { width: 28, height: 28, channels: 1 },
    }),
  );
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
