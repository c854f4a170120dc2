import { Parameter } from './parameter';

/** Adam settings; defaults are the usual ones from the paper. */
export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Rescales all gradients together when their global L2 norm exceeds this (default 1). */
  clipNorm?: number;
}

/** Adam with bias correction and global-norm gradient clipping. Clears gradients after each step. */
export class Adam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly clipNorm: number;

  constructor(
    private readonly params: Parameter[],
    options: AdamOptions = {},
  ) {
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clipNorm = options.clipNorm ?? 1;
  }

  /** Applies one update with learning rate `lr`; returns the gradient norm before clipping. */
  step(lr: number): number {
    let sq = 0;
    for (const p of this.params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i] * p.grad[i];
    const norm = Math.sqrt(sq);
    const scale = norm > this.clipNorm ? this.clipNorm / norm : 1;
    this.t++;
    const c1 = 1 - Math.pow(this.beta1, this.t);
    const c2 = 1 - Math.pow(this.beta2, this.t);
    this.params.forEach((p, k) => {
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.value.length; i++) {
        const g = p.grad[i] * scale;
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g * g;
        p.value[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.epsilon);
      }
      p.grad.fill(0);
    });
    return norm;
  }
}
