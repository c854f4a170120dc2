import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTinyConvGraph } from '@ai/onnx-builder';

/** A temporary model repository, removed by `dispose()`. */
export interface TempRepository {
  root: string;
  /** Writes `<root>/<name>/<version>/` with a small seeded conv classifier and its config; returns the folder. */
  addDigitsLikeModel(name: string, version: string, seed?: number, config?: Record<string, unknown>): string;
  dispose(): void;
}

/** The seeded tiny conv net of `@ai/onnx-builder` (digits-shaped input and output, random weights), serialised. */
export function tinyConvClassifier(seed: number): Uint8Array {
  return buildTinyConvGraph({ seed }).serialize();
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
