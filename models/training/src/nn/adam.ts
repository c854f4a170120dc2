import { Parameter } from './layer';

export interface AdamOptions {
  /** Step size; default 1e-3. */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Decoupled weight decay (AdamW) applied to weights, not biases; default 0. */
  weightDecay?: number;
}

/** Adam with bias correction (Kingma & Ba), optionally AdamW-style decoupled weight decay. */
export class Adam {
  learningRate: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly epsilon: number;
  private readonly weightDecay: number;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(private readonly params: Parameter[], options: AdamOptions = {}) {
    this.learningRate = options.learningRate ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  /** Applies the accumulated gradients, then zeroes them for the next batch. */
  step(): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    const lr = this.learningRate;
    this.params.forEach((p, k) => {
      const m = this.m[k];
      const v = this.v[k];
      const decay = p.dims.length > 1 ? this.weightDecay * lr : 0;
      for (let i = 0; i < p.value.length; i++) {
        const g = p.grad[i];
        m[i] = this.beta1 * m[i] + (1 - this.beta1) * g;
        v[i] = this.beta2 * v[i] + (1 - this.beta2) * g * g;
        p.value[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + this.epsilon) + decay * p.value[i];
      }
      p.grad.fill(0);
    });
  }
}
