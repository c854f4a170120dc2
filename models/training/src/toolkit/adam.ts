import { Parameter } from './parameter';

const { sqrt } = Math;

/** Adam settings; the defaults are the paper's, with no weight decay and no clipping. */
export interface AdamOptions {
  /** Step size used when `step()` is given none; default 1e-3. */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (AdamW), applied to weights and not to biases; default 0. */
  weightDecay?: number;
  /** Rescales all gradients together when their global L2 norm exceeds this; default: never. */
  clipNorm?: number;
}

/**
 * Adam with bias correction (Kingma & Ba), optional AdamW-style decoupled weight decay and optional
 * global-norm gradient clipping. Applies the accumulated gradients, then zeroes them for the next batch.
 */
export class Adam {
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly clipNorm: number;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    private readonly params: Parameter[],
    options: AdamOptions = {},
  ) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.clipNorm = options.clipNorm ?? Infinity;
    if (!(this.learningRate > 0) || !(this.clipNorm > 0) || this.weightDecay < 0) {
      throw new Error(`Adam: learningRate and clipNorm must be positive and weightDecay not negative (got ${JSON.stringify(options)})`);
    }
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  /** One update with learning rate `lr` (default: `this.learningRate`). */
  step(lr = this.learningRate): void {
    const scale = this.clipScale();
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k];
      const v = this.v[k];
      const decay = p.isWeight ? this.weightDecay * lr : 0;
      for (let i = 0; i < p.value.length; i++) {
        const g = p.grad[i] * scale;
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g * g;
        p.value[i] -= (lr * (m[i] / c1)) / (sqrt(v[i] / c2) + this.epsilon) + decay * p.value[i];
      }
      p.grad.fill(0);
    });
  }

  private clipScale(): number {
    if (this.clipNorm === Infinity) return 1;
    let sq = 0;
    for (const p of this.params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i] * p.grad[i];
    const norm = sqrt(sq);
    return norm > this.clipNorm ? this.clipNorm / norm : 1;
  }
}
