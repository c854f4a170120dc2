import { DIGIT_CLASSES, loadMnistDigits, splitDigits } from '../src/data/mnist-digits';

describe('the digits train/held-out split', () => {
  const all = loadMnistDigits();
  const split = splitDigits(all.labels);

  it('covers all 10,000 digits exactly once, with no digit in both sets', () => {
    expect(all.count).toBe(10_000);
    const train = new Set(split.train);
    expect(split.heldOut.some((i) => train.has(i))).toBe(false);
    expect(new Set([...split.train, ...split.heldOut]).size).toBe(all.count);
    expect(split.heldOut.length).toBe(2000);
  });

  it('is stratified: every class keeps 20% (±1 digit) of its digits held out', () => {
    for (let digit = 0; digit < DIGIT_CLASSES; digit++) {
      const total = all.labels.filter((l) => l === digit).length;
      const held = split.heldOut.filter((i) => all.labels[i] === digit).length;
      expect(Math.abs(held - total * 0.2)).toBeLessThanOrEqual(1);
    }
  });

  it('is the same for the same seed and different for another seed', () => {
    expect(splitDigits(all.labels).heldOut).toEqual(split.heldOut);
    expect(splitDigits(all.labels, { seed: 1, heldOutFraction: 0.2 }).heldOut).not.toEqual(split.heldOut);
  });
});
