import { linearBackward, linearForward } from './dense-kernels';
import { Parameter } from '../toolkit/parameter';

/** Shape of the model. */
export interface DilatedConvLmOptions {
  vocabSize: number;
  /** Width of the residual stream (embedding size). */
  channels: number;
  /** Width of each block's hidden ReLU layer. */
  hidden: number;
  /** One residual block per entry; each looks at positions t and t − dilation. */
  dilations: number[];
}

/** What forward() keeps for backward(). */
interface Activations {
  ids: Int32Array;
  batch: number;
  seq: number;
  /** Residual stream before each block and after the last: [blocks + 1][rows × channels]. */
  streams: Float32Array[];
  /** Block inputs [h(t − d), h(t)]: [rows × 2·channels] per block. */
  pairs: Float32Array[];
  /** Block hidden ReLU outputs: [rows × hidden] per block. */
  hiddens: Float32Array[];
  logits: Float32Array;
}

/**
 * A causal character model in the WaveNet/ByteNet style: embedding, then residual blocks
 * h ← h + W₂·ReLU(W₁·[h(t − d), h(t)] + b₁) + b₂ with dilations doubling (1, 2, 4, ...), then a linear
 * read-out to logits. Position t only ever sees positions ≤ t (positions before the start read zeros),
 * and the receptive field is 1 + Σ dilations. Tensors are [batch, seq, channels], rows = batch·seq.
 */
export class DilatedConvLm {
  readonly embedding: Parameter;
  readonly blocks: { dilation: number; w1: Parameter; b1: Parameter; w2: Parameter; b2: Parameter }[];
  readonly outWeight: Parameter;
  readonly outBias: Parameter;

  constructor(
    readonly options: DilatedConvLmOptions,
    normal: () => number,
  ) {
    const { vocabSize: v, channels: c, hidden: h, dilations } = options;
    const gaussian = (n: number, std: number) => Float32Array.from({ length: n }, () => normal() * std);
    this.embedding = new Parameter('embedding', [v, c], gaussian(v * c, 1));
    // Weights are [out, in]. He init for the ReLU layer; the projection back into the stream starts small
    // so the stream's variance grows slowly with depth (there are no normalisation layers).
    this.blocks = dilations.map((dilation, i) => ({
      dilation,
      w1: new Parameter(`block${i}.w1`, [h, 2 * c], gaussian(2 * c * h, Math.sqrt(2 / (2 * c)))),
      b1: new Parameter(`block${i}.b1`, [h], new Float32Array(h)),
      w2: new Parameter(`block${i}.w2`, [c, h], gaussian(h * c, Math.sqrt(1 / h / dilations.length))),
      b2: new Parameter(`block${i}.b2`, [c], new Float32Array(c)),
    }));
    this.outWeight = new Parameter('out.weight', [v, c], gaussian(c * v, Math.sqrt(1 / c)));
    this.outBias = new Parameter('out.bias', [v], new Float32Array(v));
  }

  /** Positions a prediction depends on, itself included. */
  get receptiveField(): number {
    return 1 + this.options.dilations.reduce((a, b) => a + b, 0);
  }

  parameters(): Parameter[] {
    return [this.embedding, ...this.blocks.flatMap((b) => [b.w1, b.b1, b.w2, b.b2]), this.outWeight, this.outBias];
  }

  forward(ids: Int32Array, batch: number, seq: number): Activations {
    const { channels: c, hidden: h, vocabSize: v } = this.options;
    const rows = batch * seq;
    let stream: Float32Array = new Float32Array(rows * c);
    for (let n = 0; n < rows; n++) stream.set(this.embedding.value.subarray(ids[n] * c, ids[n] * c + c), n * c);
    const streams = [stream];
    const pairs: Float32Array[] = [];
    const hiddens: Float32Array[] = [];
    for (const block of this.blocks) {
      const d = block.dilation;
      const pair = new Float32Array(rows * 2 * c);
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < seq; t++) {
          const n = b * seq + t;
          if (t >= d) pair.set(stream.subarray((n - d) * c, (n - d + 1) * c), n * 2 * c);
          pair.set(stream.subarray(n * c, n * c + c), n * 2 * c + c);
        }
      }
      const hidden = linearForward(pair, block.w1.value, block.b1.value, rows, 2 * c, h);
      for (let i = 0; i < hidden.length; i++) if (hidden[i] < 0) hidden[i] = 0;
      const next = linearForward(hidden, block.w2.value, block.b2.value, rows, h, c);
      for (let i = 0; i < next.length; i++) next[i] += stream[i];
      pairs.push(pair);
      hiddens.push(hidden);
      streams.push(next);
      stream = next;
    }
    const logits = linearForward(stream, this.outWeight.value, this.outBias.value, rows, c, v);
    return { ids, batch, seq, streams, pairs, hiddens, logits };
  }

  /** Accumulates parameter gradients from dLoss/dLogits. */
  backward(acts: Activations, dLogits: Float32Array): void {
    const { channels: c, hidden: h, vocabSize: v } = this.options;
    const { batch, seq } = acts;
    const rows = batch * seq;
    const last = acts.streams[acts.streams.length - 1];
    // The residual path passes dStream straight through each block; the block adds its own share.
    const dStream = new Float32Array(rows * c);
    linearBackward(last, this.outWeight.value, dLogits, { dw: this.outWeight.grad, db: this.outBias.grad, dx: dStream }, rows, c, v);
    for (let i = this.blocks.length - 1; i >= 0; i--) {
      const block = this.blocks[i];
      const d = block.dilation;
      const hidden = acts.hiddens[i];
      const dHidden = new Float32Array(rows * h);
      linearBackward(hidden, block.w2.value, dStream, { dw: block.w2.grad, db: block.b2.grad, dx: dHidden }, rows, h, c);
      for (let j = 0; j < dHidden.length; j++) if (hidden[j] === 0) dHidden[j] = 0;
      const dPair = new Float32Array(rows * 2 * c);
      linearBackward(acts.pairs[i], block.w1.value, dHidden, { dw: block.w1.grad, db: block.b1.grad, dx: dPair }, rows, 2 * c, h);
      for (let b = 0; b < batch; b++) {
        for (let t = 0; t < seq; t++) {
          const n = b * seq + t;
          for (let j = 0; j < c; j++) dStream[n * c + j] += dPair[n * 2 * c + c + j];
          if (t >= d) for (let j = 0; j < c; j++) dStream[(n - d) * c + j] += dPair[n * 2 * c + j];
        }
      }
    }
    const dEmb = this.embedding.grad;
    for (let n = 0; n < rows; n++) {
      const o = acts.ids[n] * c;
      for (let j = 0; j < c; j++) dEmb[o + j] += dStream[n * c + j];
    }
  }
}
