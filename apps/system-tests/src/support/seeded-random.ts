import { mulberry32 } from '@ai/seeded-random';

// Read once, not per draw: under jest's vm context every global lookup (`Math`) goes through an interceptor.
const { floor } = Math;

/**
 * A small deterministic PRNG (mulberry32): the fuzz cases of a run are a function of the seed, so a failing
 * case can be replayed by running again with the seed the failure printed.
 */
export class SeededRandom {
  private readonly draw: () => number;

  constructor(readonly seed: number) {
    this.draw = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.draw();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}
