import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32Tensor, OnnxGraphBuilder, SeededRandom } from '@ai/onnx-builder';

/**
 * A temporary model repository with `digits-cnn/<version>`: a seeded conv net over [batch, 1, 28, 28] with the
 * real model's input/output names and config shape. Its answers mean nothing; the metrics test only needs
 * an inference service that loads a model and serves /metrics, independent of the trained files.
 */
export function tinyDigitsRepository(version = '1'): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ai-charts-models-'));
  const dir = join(root, 'digits-cnn', version);
  mkdirSync(dir, { recursive: true });
  const rng = new SeededRandom(7);
  const g = new OnnxGraphBuilder({ name: 'tiny-digits' });
  const x = g.input('input', 'float32', ['batch', 1, 28, 28]);
  const conv = g.conv(x, {
    weight: float32Tensor(rng.heNormal(4 * 9, 9), [4, 1, 3, 3]),
    bias: float32Tensor(new Float32Array(4).fill(0.01), [4]),
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  });
  const logits = g.dense(g.flatten(g.relu(conv)), { weight: float32Tensor(rng.heNormal(10 * 4 * 14 * 14, 4 * 14 * 14), [10, 4 * 14 * 14]) });
  g.output(logits, 'logits', 'float32', ['batch', 10]);
  writeFileSync(join(dir, 'model.onnx'), g.serialize());
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
