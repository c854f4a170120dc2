import { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildAlexNetGraph } from './alexnet';
import { buildMobileNetV2Graph } from './mobilenet-v2';
import type { OnnxGraphBuilder } from './onnx-graph-builder';
import { buildResNet50Graph } from './resnet-50';

interface BenchGraph {
  name: string;
  /** The full ImageNet-sized graph. */
  build: (seed: number) => OnnxGraphBuilder;
  /** A cut-down variant, for the cheap reproducibility check. */
  buildSmall: (seed: number) => OnnxGraphBuilder;
  /** Float32 parameters of the full graph, from its published architecture. */
  parameters: [min: number, max: number];
}

const GRAPHS: BenchGraph[] = [
  {
    name: 'ResNet-50',
    build: (seed) => buildResNet50Graph({ seed }),
    buildSmall: (seed) => buildResNet50Graph({ seed, imageSize: 32, numClasses: 10, blocks: [1, 1, 1, 1] }),
    parameters: [25_000_000, 26_000_000], // 25.6 M
  },
  {
    name: 'MobileNetV2',
    build: (seed) => buildMobileNetV2Graph({ seed }),
    buildSmall: (seed) => buildMobileNetV2Graph({ seed, widthMultiplier: 0.35, imageSize: 32 }),
    parameters: [3_400_000, 3_600_000], // 3.5 M
  },
  {
    name: 'AlexNet',
    build: (seed) => buildAlexNetGraph({ seed }),
    buildSmall: (seed) => buildAlexNetGraph({ seed, numClasses: 10, hiddenUnits: 16 }),
    parameters: [61_000_000, 61_200_000], // 61.1 M
  },
];

describe.each(GRAPHS)('the $name-shaped benchmark graph', (graph) => {
  it('is byte-for-byte reproducible from its seed and differs between seeds', () => {
    const a = graph.buildSmall(7).serialize();
    const b = graph.buildSmall(7).serialize();
    const c = graph.buildSmall(8).serialize();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('has its architecture’s size and maps an ImageNet-sized batch to finite logits that differ per image', async () => {
    const bytes = graph.build(1).serialize();
    const [min, max] = graph.parameters;
    expect(bytes.length).toBeGreaterThan(min * 4);
    expect(bytes.length).toBeLessThan(max * 4);
    const session = await InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['logits']);
    const plane = 3 * 224 * 224;
    const pixels = new Float32Array(2 * plane).map((_, i) => (i < plane ? Math.sin(i / 97) : Math.cos(i / 13) * 2));
    const out = await session.run({ input: new Tensor('float32', pixels, [2, 3, 224, 224]) });
    const logits = out['logits'].data as Float32Array;
    expect(out['logits'].dims).toEqual([2, 1000]);
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(0.1);
    const difference = Math.max(...logits.slice(0, 1000).map((v, i) => Math.abs(v - logits[1000 + i])));
    expect(difference).toBeGreaterThan(1e-4);
    await session.release();
  }, 180_000);
});
