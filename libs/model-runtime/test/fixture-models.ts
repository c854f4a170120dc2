import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { float32Tensor, OnnxGraphBuilder, SeededRandom } from '@ai/onnx-builder';

/** A temporary model repository, removed by `dispose()`. */
export interface TempRepository {
  root: string;
  /** Writes `<root>/<name>/<version>/` with a small seeded conv classifier and its config; returns the folder. */
  addDigitsLikeModel(name: string, version: string, seed?: number, config?: Record<string, unknown>): string;
  dispose(): void;
}

/**
 * A small seeded conv net over [batch, 1, 28, 28]: Conv(4 filters, 3×3) → ReLU → flatten → dense(10). Its weights
 * are random, so its answers mean nothing; it exercises the same operators as a digits classifier.
 */
export function tinyConvClassifier(seed: number): Uint8Array {
  const rng = new SeededRandom(seed);
  const g = new OnnxGraphBuilder({ name: 'tiny-conv' });
  const x = g.input('input', 'float32', ['batch', 1, 28, 28]);
  const conv = g.conv(x, {
    weight: float32Tensor(rng.heNormal(4 * 9, 9), [4, 1, 3, 3]),
    bias: float32Tensor(new Float32Array(4).fill(0.01), [4]),
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  });
  const flat = g.flatten(g.relu(conv));
  const logits = g.dense(flat, { weight: float32Tensor(rng.heNormal(10 * 4 * 14 * 14, 4 * 14 * 14), [10, 4 * 14 * 14]) });
  g.output(logits, 'logits', 'float32', ['batch', 10]);
  return g.serialize();
}

export function digitsLikeConfig(name: string, version: string): Record<string, unknown> {
  return {
    name,
    version,
    task: 'image-classification',
    inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 1, 28, 28] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 10] }],
    labels: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    preprocessing: { width: 28, height: 28, channels: 1 },
  };
}

export function createTempRepository(): TempRepository {
  const root = mkdtempSync(join(tmpdir(), 'model-repo-'));
  return {
    root,
    addDigitsLikeModel(name, version, seed = 1, config = {}) {
      const dir = join(root, name, version);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.onnx'), tinyConvClassifier(seed));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...digitsLikeConfig(name, version), ...config }));
      return dir;
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
}
