import { SeededRandom } from './seeded-random';

describe('SeededRandom', () => {
  it('repeats every kind of draw for the same seed', () => {
    const draws = (r: SeededRandom) => [r.next(), r.int(10), r.between(-3, 3), r.pick(['a', 'b', 'c']), r.chance(0.5), r.normal(), r.shuffle([1, 2, 3, 4])];
    expect(draws(new SeededRandom(5))).toEqual(draws(new SeededRandom(5)));
    expect(draws(new SeededRandom(5))).not.toEqual(draws(new SeededRandom(6)));
  });

  it('keeps int(n) in [0, n) and between(min, max) in [min, max], reaching both ends', () => {
    const r = new SeededRandom(1);
    const ints = Array.from({ length: 5_000 }, () => r.int(4));
    const betweens = Array.from({ length: 5_000 }, () => r.between(-2, 2));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3]));
    expect(new Set(betweens)).toEqual(new Set([-2, -1, 0, 1, 2]));
  });

  it('draws standard normals and He-initialised weights with the expected spread', () => {
    const r = new SeededRandom(3);
    const xs = Array.from({ length: 50_000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
    const w = r.heNormal(50_000, 8);
    const wVariance = w.reduce((a, b) => a + b * b, 0) / w.length;
    expect(Math.abs(wVariance - 2 / 8)).toBeLessThan(0.01);
  });

  it('shuffles in place into a permutation', () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    const shuffled = new SeededRandom(9).shuffle(items);
    expect(shuffled).toBe(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(shuffled).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
