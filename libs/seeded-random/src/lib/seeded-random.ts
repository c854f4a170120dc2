import { mulberry32 } from './mulberry32';

// Read once, not per draw: under jest's vm context every global lookup (`Math`) goes through an interceptor.
const { floor, sqrt, log, sin, cos, PI } = Math;

/**
 * Seeded draws over mulberry32: uniform, integers, picks, normals, shuffles and He initialisation. Every
 * seeded thing in the workspace (weights, data splits, fuzz cases) draws from this one class, so a seed
 * means the same sequence everywhere.
 */
export class SeededRandom {
  private readonly draw: () => number;
  private spare: number | undefined;

  constructor(readonly seed: number) {
    this.draw = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.draw();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return floor(this.draw() * n);
  }

  /** Integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + floor(this.draw() * (max - min + 1));
  }

  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T {
    return items[floor(this.draw() * items.length)];
  }

  /** True with the given probability. */
  chance(probability: number): boolean {
    return this.draw() < probability;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.draw();
    const v = this.draw();
    const r = sqrt(-2 * log(u));
    this.spare = r * sin(2 * PI * v);
    return r * cos(2 * PI * v);
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /**
   * He (Kaiming) normal initialisation: N(0, 2 / fanIn). Keeps the variance of ReLU activations constant
   * from layer to layer, so deep random networks neither explode nor vanish.
   */
  heNormal(length: number, fanIn: number): Float32Array {
    const std = sqrt(2 / fanIn);
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal() * std;
    return out;
  }
}
