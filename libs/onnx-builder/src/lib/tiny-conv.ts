import { OnnxGraphBuilder } from './onnx-graph-builder';
import { SeededRandom } from '@ai/seeded-random';
import { float32Tensor } from './tensor-data';

/**
 * A small seeded conv net over `input` [batch, 1, 28, 28]: Conv(4 filters, 3×3, stride 2) → ReLU → flatten →
 * dense(10) → `logits` [batch, 10], the digits models' input and output names. Its weights are random, so its
 * answers mean nothing; tests use it wherever they need a real model that loads in milliseconds.
 */
export function buildTinyConvGraph(options: { seed: number }): OnnxGraphBuilder {
  const rng = new SeededRandom(options.seed);
  const g = new OnnxGraphBuilder({ name: 'tiny-conv' });
  const x = g.input('input', 'float32', ['batch', 1, 28, 28]);
  const conv = g.conv(x, {
    weight: float32Tensor(rng.heNormal(4 * 9, 9), [4, 1, 3, 3]),
    bias: float32Tensor(new Float32Array(4).fill(0.01), [4]),
    strides: [2, 2],
    pads: [1, 1, 1, 1],
  });
  const logits = g.dense(g.flatten(g.relu(conv)), { weight: float32Tensor(rng.heNormal(10 * 4 * 14 * 14, 4 * 14 * 14), [10, 4 * 14 * 14]) });
  g.output(logits, 'logits', 'float32', ['batch', 10]);
  return g;
}
