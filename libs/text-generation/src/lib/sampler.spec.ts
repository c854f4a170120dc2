import { mulberry32 } from '@ai/seeded-random';
import { sampleToken } from './sampler';

describe('sampleToken', () => {
  const logits = Float32Array.from([0.1, 2.5, 0.3, 2.4, -1]);

  it('picks the most likely token at temperature 0, whatever the draw', () => {
    expect(sampleToken(logits, { temperature: 0, topK: 0 }, () => 0.99)).toBe(1);
    expect(sampleToken(logits, { temperature: 0, topK: 0 }, () => 0)).toBe(1);
  });

  it('never leaves the top k tokens', () => {
    const uniform = mulberry32(3);
    const seen = new Set(Array.from({ length: 500 }, () => sampleToken(logits, { temperature: 5, topK: 2 }, uniform)));
    expect([...seen].sort()).toEqual([1, 3]);
  });

  it('follows the softmax at temperature 1', () => {
    const uniform = mulberry32(11);
    const counts = new Array(5).fill(0);
    const n = 20_000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: 1, topK: 0 }, uniform)]++;
    const z = Array.from(logits, Math.exp).reduce((a, b) => a + b, 0);
    Array.from(logits).forEach((l, i) => expect(counts[i] / n).toBeCloseTo(Math.exp(l) / z, 1));
  });

  it('gives the same sequence of draws for the same seed', () => {
    const draw = (seed: number) => {
      const uniform = mulberry32(seed);
      return Array.from({ length: 20 }, () => sampleToken(logits, { temperature: 1.5, topK: 0 }, uniform));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });
});
