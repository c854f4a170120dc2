import { mulberry32 } from '@ai/seeded-random';

// Read once, not per draw: under jest's vm context every global lookup (`Math`) goes through an interceptor.
const { sqrt, log, sin, cos, PI } = Math;

/** Seeded uniform, normal and permutation draws over mulberry32. */
export class SeededRandom {
  private readonly next: () => number;
  private spare: number | undefined;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u = 1 - this.next();
    const v = this.next();
    const r = sqrt(-2 * log(u));
    this.spare = r * sin(2 * PI * v);
    return r * cos(2 * PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
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
    const std = Math.sqrt(2 / fanIn);
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.normal() * std;
    return out;
  }
}
