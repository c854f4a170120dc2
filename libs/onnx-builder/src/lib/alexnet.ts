import { OnnxGraphBuilder } from './onnx-graph-builder';
import { SeededRandom } from '@ai/seeded-random';
import { float32Tensor } from './tensor-data';

/** Options of the benchmark network. */
export interface AlexNetOptions {
  /** Seed of the random weights; the same seed writes the same bytes. */
  seed: number;
  /** Classifier width; default 1000 (ImageNet). */
  numClasses?: number;
  /** Width of the two hidden dense layers; default 4096 (AlexNet). Tests use fewer. */
  hiddenUnits?: number;
}

/**
 * An ImageNet-sized AlexNet (torchvision's layout: five convolutions, then three dense layers, dropout removed for
 * inference) with seeded random weights: input `input` [batch, 3, 224, 224] NCHW, output `logits` [batch,
 * numClasses]; 61.1 M parameters, 58.6 M of them in the dense layers, about 0.7 GFLOPs per image.
 *
 * It is in the benchmark for the opposite reason to ResNet-50: at batch 1 its dense layers read 234 MB of weights
 * to do 0.1 GFLOPs of work, so the run waits on memory, and a batch of n reads them once for n images. That is the
 * kind of model dynamic batching pays for on a CPU; convolutions already do large matrix products at batch 1.
 */
export function buildAlexNetGraph(options: AlexNetOptions): OnnxGraphBuilder {
  const rng = new SeededRandom(options.seed);
  const numClasses = options.numClasses ?? 1000;
  const hidden = options.hiddenUnits ?? 4096;
  const g = new OnnxGraphBuilder({ name: 'alexnet-bench', docString: `AlexNet-shaped benchmark graph, random weights (seed ${options.seed})` });

  const convRelu = (x: string, inC: number, outC: number, k: number, stride: number, pad: number) => {
    const fanIn = inC * k * k;
    return g.relu(
      g.conv(x, {
        weight: float32Tensor(rng.heNormal(outC * fanIn, fanIn), [outC, inC, k, k]),
        bias: float32Tensor(new Float32Array(outC), [outC]),
        strides: [stride, stride],
        pads: [pad, pad, pad, pad],
      }),
    );
  };
  const dense = (x: string, inF: number, outF: number) =>
    g.dense(x, { weight: float32Tensor(rng.heNormal(outF * inF, inF), [outF, inF]), bias: float32Tensor(new Float32Array(outF), [outF]) });
  const pool = (x: string) => g.maxPool(x, { kernel: [3, 3], strides: [2, 2] });

  // 224 → 55 → 27 → 13 → 6: the feature map reaching the dense layers is 256 × 6 × 6 = 9,216 values.
  let x = g.input('input', 'float32', ['batch', 3, 224, 224]);
  x = pool(convRelu(x, 3, 64, 11, 4, 2));
  x = pool(convRelu(x, 64, 192, 5, 1, 2));
  x = convRelu(x, 192, 384, 3, 1, 1);
  x = convRelu(x, 384, 256, 3, 1, 1);
  x = pool(convRelu(x, 256, 256, 3, 1, 1));
  x = g.flatten(x);
  x = g.relu(dense(x, 256 * 6 * 6, hidden));
  x = g.relu(dense(x, hidden, hidden));
  const logits = dense(x, hidden, numClasses);
  g.output(logits, 'logits', 'float32', ['batch', numClasses]);
  return g;
}
