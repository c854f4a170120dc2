import { OnnxGraphBuilder } from './onnx-graph-builder';
import { SeededRandom } from '@ai/seeded-random';
import { float32Tensor } from './tensor-data';

/** Options of the benchmark network. */
export interface ResNet50Options {
  /** Seed of the random weights; the same seed writes the same bytes. */
  seed: number;
  /** Classifier width; default 1000 (ImageNet). */
  numClasses?: number;
  /** Spatial size of the square input; default 224. */
  imageSize?: number;
  /** Bottleneck blocks per stage; default [3, 4, 6, 3] (ResNet-50). Tests use fewer. */
  blocks?: readonly [number, number, number, number];
}

/**
 * An ImageNet-sized ResNet-50 (v1.5: the stride sits on the 3×3 convolution) with seeded random weights: input
 * `input` [batch, 3, 224, 224] NCHW, output `logits` [batch, numClasses]; 25.6 M parameters, about 4.1 GFLOPs per
 * image. Batch normalisation is folded into the convolutions, as exporters do for inference. It exists to measure
 * serving cost on the model serving benchmarks usually quote; its predictions mean nothing.
 */
export function buildResNet50Graph(options: ResNet50Options): OnnxGraphBuilder {
  const rng = new SeededRandom(options.seed);
  const numClasses = options.numClasses ?? 1000;
  const size = options.imageSize ?? 224;
  const blocks = options.blocks ?? [3, 4, 6, 3];
  const g = new OnnxGraphBuilder({ name: 'resnet50-bench', docString: `ResNet-50-shaped benchmark graph, random weights (seed ${options.seed})` });

  // He init for convolutions followed by ReLU; the last convolution of each residual branch starts small so the
  // sum of 16 branches keeps activations in range (the "zero-init residual" trick, short of zero).
  const conv = (x: string, inC: number, outC: number, k: number, stride: number, init: 'relu' | 'residual') => {
    const fanIn = inC * k * k;
    const weight = rng.heNormal(outC * fanIn, init === 'relu' ? fanIn : 16 * fanIn);
    const pad = (k - 1) / 2;
    return g.conv(x, {
      weight: float32Tensor(weight, [outC, inC, k, k]),
      bias: float32Tensor(new Float32Array(outC), [outC]),
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
  };

  let x = g.input('input', 'float32', ['batch', 3, size, size]);
  x = g.relu(conv(x, 3, 64, 7, 2, 'relu'));
  x = g.maxPool(x, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  let channels = 64;
  blocks.forEach((count, stage) => {
    const width = 64 * 2 ** stage;
    const outC = width * 4;
    for (let i = 0; i < count; i++) {
      const stride = i === 0 && stage > 0 ? 2 : 1;
      let h = g.relu(conv(x, channels, width, 1, 1, 'relu'));
      h = g.relu(conv(h, width, width, 3, stride, 'relu'));
      h = conv(h, width, outC, 1, 1, 'residual');
      const shortcut = i === 0 ? conv(x, channels, outC, 1, stride, 'residual') : x;
      x = g.relu(g.add(h, shortcut));
      channels = outC;
    }
  });
  x = g.flatten(g.globalAveragePool(x));
  const logits = g.dense(x, {
    weight: float32Tensor(rng.heNormal(numClasses * channels, 2 * channels), [numClasses, channels]),
    bias: float32Tensor(new Float32Array(numClasses), [numClasses]),
  });
  g.output(logits, 'logits', 'float32', ['batch', numClasses]);
  return g;
}
