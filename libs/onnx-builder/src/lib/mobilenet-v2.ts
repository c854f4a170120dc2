import { OnnxGraphBuilder } from './onnx-graph-builder';
import { SeededRandom } from '@ai/seeded-random';
import { float32Tensor } from './tensor-data';

/** Options of the benchmark network. */
export interface MobileNetV2Options {
  /** Seed of the random weights; the same seed writes the same bytes. */
  seed: number;
  /** Scales every layer's channel count (MobileNetV2's α); default 1.0, the standard 3.5 M-parameter network. */
  widthMultiplier?: number;
  /** Classifier width; default 1000 (ImageNet). */
  numClasses?: number;
  /** Spatial size of the square input; default 224. */
  imageSize?: number;
}

/** Expansion factor t, output channels c, repeats n, first stride s: the table of the MobileNetV2 paper. */
const INVERTED_RESIDUAL_SETTINGS: readonly [number, number, number, number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** Channel counts rounded to multiples of 8, never dropping more than 10% (as the reference implementation does). */
function makeDivisible(value: number, divisor = 8): number {
  const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/**
 * An ImageNet-sized MobileNetV2 with seeded random weights: input `input` [batch, 3, 224, 224] NCHW,
 * output `logits` [batch, numClasses]. Batch normalisation is folded into the convolutions (as exporters do
 * for inference), so each layer is Conv (+ Clip 0..6). It exists to measure serving cost on a realistic
 * compute graph; its predictions mean nothing.
 */
export function buildMobileNetV2Graph(options: MobileNetV2Options): OnnxGraphBuilder {
  const rng = new SeededRandom(options.seed);
  const width = options.widthMultiplier ?? 1;
  const numClasses = options.numClasses ?? 1000;
  const size = options.imageSize ?? 224;
  const g = new OnnxGraphBuilder({
    name: 'mobilenetv2-bench',
    docString: `MobileNetV2-shaped benchmark graph, random weights (seed ${options.seed}, width ${width})`,
  });

  // He init keeps ReLU6 activations in range; linear projections use variance 1/fanIn since no ReLU follows.
  const convLayer = (x: string, inC: number, outC: number, k: number, stride: number, group: number, act: boolean) => {
    const fanIn = (inC / group) * k * k;
    const weight = rng.heNormal(outC * fanIn, act ? fanIn : 2 * fanIn);
    const pad = (k - 1) / 2;
    const y = g.conv(x, {
      weight: float32Tensor(weight, [outC, inC / group, k, k]),
      bias: float32Tensor(new Float32Array(outC), [outC]),
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
      group,
    });
    return act ? g.clip(y, 0, 6) : y;
  };

  let x = g.input('input', 'float32', ['batch', 3, size, size]);
  let channels = makeDivisible(32 * width);
  x = convLayer(x, 3, channels, 3, 2, 1, true);

  for (const [t, c, n, s] of INVERTED_RESIDUAL_SETTINGS) {
    const outC = makeDivisible(c * width);
    for (let i = 0; i < n; i++) {
      const stride = i === 0 ? s : 1;
      const hidden = channels * t;
      let h = t === 1 ? x : convLayer(x, channels, hidden, 1, 1, 1, true);
      h = convLayer(h, hidden, hidden, 3, stride, hidden, true);
      h = convLayer(h, hidden, outC, 1, 1, 1, false);
      x = stride === 1 && channels === outC ? g.add(x, h) : h;
      channels = outC;
    }
  }

  const lastChannels = makeDivisible(1280 * Math.max(1, width));
  x = convLayer(x, channels, lastChannels, 1, 1, 1, true);
  x = g.flatten(g.globalAveragePool(x));
  const logits = g.dense(x, {
    weight: float32Tensor(rng.heNormal(numClasses * lastChannels, 2 * lastChannels), [numClasses, lastChannels]),
    bias: float32Tensor(new Float32Array(numClasses), [numClasses]),
  });
  g.output(logits, 'logits', 'float32', ['batch', numClasses]);
  return g;
}
