import { OnnxGraphBuilder } from '@ai/onnx-builder';
import { Layer } from './layer';

/** 2×2 max pooling with stride 2 over [C, H, W] (H and W even); remembers each window's winner for backward. */
export class MaxPool2 implements Layer {
  readonly params = [];
  readonly inputSize: number;
  readonly outputSize: number;
  readonly outHeight: number;
  readonly outWidth: number;
  private argmax = new Int32Array(0);

  constructor(
    private readonly channels: number,
    private readonly height: number,
    private readonly width: number,
  ) {
    if (height % 2 || width % 2) throw new Error(`MaxPool2 needs even sizes, got ${height}×${width}`);
    this.outHeight = height / 2;
    this.outWidth = width / 2;
    this.inputSize = channels * height * width;
    this.outputSize = channels * this.outHeight * this.outWidth;
  }

  forward(x: Float32Array, batch: number): Float32Array {
    const y = new Float32Array(batch * this.outputSize);
    this.argmax = new Int32Array(y.length);
    const { width: w, outHeight: oh, outWidth: ow } = this;
    let o = 0;
    for (let plane = 0; plane < batch * this.channels; plane++) {
      const base = plane * this.height * w;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++, o++) {
          const tl = base + 2 * oy * w + 2 * ox;
          let best = tl;
          if (x[tl + 1] > x[best]) best = tl + 1;
          if (x[tl + w] > x[best]) best = tl + w;
          if (x[tl + w + 1] > x[best]) best = tl + w + 1;
          y[o] = x[best];
          this.argmax[o] = best;
        }
      }
    }
    return y;
  }

  backward(dy: Float32Array, batch: number): Float32Array {
    const dx = new Float32Array(batch * this.inputSize);
    for (let o = 0; o < dy.length; o++) dx[this.argmax[o]] += dy[o];
    return dx;
  }

  toOnnx(g: OnnxGraphBuilder, x: string): string {
    return g.maxPool(x, { kernel: [2, 2] });
  }
}
