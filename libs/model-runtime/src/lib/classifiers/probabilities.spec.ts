import { softmax, topK } from './probabilities';
import { toFeatureRow } from './tabular-classifier';

describe('classification post-processing', () => {
  it('softmax sums to one and survives large logits', () => {
    const p = softmax([1000, 1001, 1002]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[2]).toBeGreaterThan(p[1]);
    expect(Number.isFinite(p[0])).toBe(true);
  });

  it('topK ranks best first, with labels, and names unlabelled classes by index', () => {
    expect(topK([0.1, 0.6, 0.3], 2, ['a', 'b'])).toEqual([
      { label: 'b', index: 1, probability: 0.6 },
      { label: '2', index: 2, probability: 0.3 },
    ]);
  });

  it('topK agrees with a full sort for every k, ties included (lower index first)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Values on a coarse grid, so many classes tie.
    const scores = Array.from({ length: 1000 }, () => Math.round(next() * 50) / 50);
    const sorted = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
    for (const k of [0, 1, 5, 10, 124, 125, 126, 999, 1000, 2000]) {
      expect(topK(scores, k).map((s) => s.index)).toEqual(sorted.slice(0, k));
    }
  });

  it('feature rows must match the model input length', () => {
    expect(Array.from(toFeatureRow([1, 2, 3], 3))).toEqual([1, 2, 3]);
    expect(() => toFeatureRow([1, 2], 3)).toThrow('features: expected 3 values, got 2');
  });
});
