import { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildAlexNetGraph } from './alexnet';

describe('buildAlexNetGraph', () => {
  it('is byte-for-byte reproducible from its seed and differs between seeds', () => {
    const small = { numClasses: 10, hiddenUnits: 16 };
    const a = buildAlexNetGraph({ seed: 7, ...small }).serialize();
    const b = buildAlexNetGraph({ seed: 7, ...small }).serialize();
    const c = buildAlexNetGraph({ seed: 8, ...small }).serialize();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('has AlexNet size and maps an ImageNet-sized batch to finite logits that differ per image', async () => {
    const bytes = buildAlexNetGraph({ seed: 1 }).serialize();
    expect(bytes.length).toBeGreaterThan(61_000_000 * 4); // 61.1 M float32 parameters
    expect(bytes.length).toBeLessThan(61_200_000 * 4);
    const session = await InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['logits']);
    const plane = 3 * 224 * 224;
    const pixels = new Float32Array(2 * plane).map((_, i) => (i < plane ? Math.sin(i / 97) : Math.cos(i / 13) * 2));
    const out = await session.run({ input: new Tensor('float32', pixels, [2, 3, 224, 224]) });
    const logits = out['logits'].data as Float32Array;
    expect(out['logits'].dims).toEqual([2, 1000]);
    expect(logits.every(Number.isFinite)).toBe(true);
    const difference = Math.max(...logits.slice(0, 1000).map((v, i) => Math.abs(v - logits[1000 + i])));
    expect(difference).toBeGreaterThan(1e-4);
    await session.release();
  }, 180_000);
});
