import { InferenceSession, Tensor } from 'onnxruntime-node';
import { buildMobileNetV2Graph } from './mobilenet-v2';

describe('buildMobileNetV2Graph', () => {
  it('is byte-for-byte reproducible from its seed and differs between seeds', () => {
    const a = buildMobileNetV2Graph({ seed: 7, widthMultiplier: 0.35, imageSize: 32 }).serialize();
    const b = buildMobileNetV2Graph({ seed: 7, widthMultiplier: 0.35, imageSize: 32 }).serialize();
    const c = buildMobileNetV2Graph({ seed: 8, widthMultiplier: 0.35, imageSize: 32 }).serialize();
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('loads in onnxruntime and maps an ImageNet-sized batch to finite, non-constant logits', async () => {
    const bytes = buildMobileNetV2Graph({ seed: 1 }).serialize();
    expect(bytes.length).toBeGreaterThan(10_000_000); // ~3.5 M float32 parameters
    const session = await InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['logits']);
    const pixels = new Float32Array(2 * 3 * 224 * 224).map((_, i) => Math.sin(i / 97));
    const out = await session.run({ input: new Tensor('float32', pixels, [2, 3, 224, 224]) });
    const logits = out['logits'].data as Float32Array;
    expect(out['logits'].dims).toEqual([2, 1000]);
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(Math.max(...logits) - Math.min(...logits)).toBeGreaterThan(0.1);
    await session.release();
  }, 180_000);
});
