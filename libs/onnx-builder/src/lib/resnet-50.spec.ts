import { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildResNet50Graph } from './resnet-50';

describe('buildResNet50Graph', () => {
  it('is byte-for-byte reproducible from its seed and differs between seeds', () => {
    const small = { imageSize: 32, numClasses: 10, blocks: [1, 1, 1, 1] as const };
    const a = buildResNet50Graph({ seed: 7, ...small }).serialize();
    const b = buildResNet50Graph({ seed: 7, ...small }).serialize();
    const c = buildResNet50Graph({ seed: 8, ...small }).serialize();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('has ResNet-50 size and maps an ImageNet-sized batch to finite, non-constant logits', async () => {
    const bytes = buildResNet50Graph({ seed: 1 }).serialize();
    expect(bytes.length).toBeGreaterThan(25_000_000 * 4); // 25.6 M float32 parameters
    expect(bytes.length).toBeLessThan(26_000_000 * 4);
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
    // The two images differ, so must their logits.
    const difference = Math.max(...logits.slice(0, 1000).map((v, i) => Math.abs(v - logits[1000 + i])));
    expect(difference).toBeGreaterThan(1e-4);
    await session.release();
  }, 180_000);
});
