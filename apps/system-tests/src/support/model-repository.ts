import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { float32Tensor, OnnxGraphBuilder } from '@ai/onnx-builder';
import { SeededRandom } from '@ai/seeded-random';

const REAL_REPOSITORY = join(WORKSPACE_ROOT, 'models');
const STAND_IN_REPOSITORY = join(WORKSPACE_ROOT, 'tmp', 'system-tests', 'models');
const LABELS = Array.from({ length: 10 }, (_, i) => String(i));

function hasModel(repository: string, name: string): boolean {
  const dir = join(repository, name);
  return existsSync(dir) && readdirSync(dir).some((version) => existsSync(join(dir, version, 'model.onnx')) && existsSync(join(dir, version, 'config.json')));
}

/** One dense layer from a flat input to 10 logits, random weights: the shape of a digits model, nothing more. */
function writeDenseModel(name: string, inputDims: number[], preprocessing?: Record<string, unknown>): void {
  const features = inputDims.slice(1).reduce((a, b) => a * b, 1);
  const random = new SeededRandom(7);
  const g = new OnnxGraphBuilder({ name });
  const x = g.input('input', 'float32', ['batch', ...inputDims.slice(1)]);
  const flat = inputDims.length > 2 ? g.flatten(x) : x;
  const weight = float32Tensor(
    Array.from({ length: 10 * features }, () => random.next() - 0.5),
    [10, features],
  );
  g.output(g.dense(flat, { weight, bias: float32Tensor(new Float32Array(10), [10]) }), 'logits', 'float32', ['batch', 10]);
  const dir = join(STAND_IN_REPOSITORY, name, '1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.onnx'), g.serialize());
  const config = {
    name,
    version: '1',
    task: preprocessing ? 'image-classification' : 'tabular-classification',
    description: 'stand-in with random weights for system tests (the real model was not built yet)',
    inputs: [{ name: 'input', dtype: 'float32', shape: inputDims }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 10] }],
    labels: LABELS,
    ...(preprocessing && { preprocessing }),
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
}

/**
 * The model repository the system tests serve from: the workspace's `models/` when digits-cnn and digits-mlp
 * are built there, otherwise stand-ins of the same shapes (random weights) under tmp/. Reliability does not
 * depend on what the weights predict, only on the processes around them.
 */
export function modelRepository(): string {
  if (hasModel(REAL_REPOSITORY, 'digits-cnn') && hasModel(REAL_REPOSITORY, 'digits-mlp')) return REAL_REPOSITORY;
  if (!hasModel(STAND_IN_REPOSITORY, 'digits-cnn')) writeDenseModel('digits-cnn', [-1, 1, 28, 28], { width: 28, height: 28, channels: 1 });
  if (!hasModel(STAND_IN_REPOSITORY, 'digits-mlp')) writeDenseModel('digits-mlp', [-1, 64]);
  return STAND_IN_REPOSITORY;
}
