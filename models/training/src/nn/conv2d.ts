import { float32Tensor, OnnxGraphBuilder } from '@ai/onnx-builder';
import { SeededRandom } from '@ai/seeded-random';
import { gemmNN, gemmNT, gemmTN } from './gemm';
import { col2im, ConvGeometry, convOutputSize, im2col } from './im2col';
import { Parameter } from '../toolkit/parameter';
import { Layer } from './layer';

export interface Conv2dOptions {
  inChannels: number;
  outChannels: number;
  /** Input height and width. */
  height: number;
  width: number;
  /** Square kernel size; default 3. */
  kernel?: number;
  /** Zero padding on every side; default kernel / 2 rounded down ("same" output size). */
  pad?: number;
  name: string;
}

/** Stride-1 2-D convolution via im2col + GEMM, He-initialised. Exports as ONNX Conv. */
export class Conv2d implements Layer {
  readonly params: Parameter[];
  readonly inputSize: number;
  readonly outputSize: number;
  readonly outHeight: number;
  readonly outWidth: number;
  private readonly geometry: ConvGeometry;
  private readonly weight: Parameter;
  private readonly bias: Parameter;
  private readonly colSize: number;
  private cols: Float32Array = new Float32Array(0);

  constructor(
    private readonly options: Conv2dOptions,
    rng: SeededRandom,
  ) {
    const kernel = options.kernel ?? 3;
    this.geometry = { channels: options.inChannels, height: options.height, width: options.width, kernel, pad: options.pad ?? Math.floor(kernel / 2) };
    const { outHeight, outWidth } = convOutputSize(this.geometry);
    this.outHeight = outHeight;
    this.outWidth = outWidth;
    const fanIn = options.inChannels * kernel * kernel;
    this.weight = new Parameter(
      `${options.name}.weight`,
      [options.outChannels, options.inChannels, kernel, kernel],
      rng.heNormal(options.outChannels * fanIn, fanIn),
    );
    this.bias = new Parameter(`${options.name}.bias`, [options.outChannels], new Float32Array(options.outChannels));
    this.params = [this.weight, this.bias];
    this.inputSize = options.inChannels * options.height * options.width;
    this.outputSize = options.outChannels * outHeight * outWidth;
    this.colSize = fanIn * outHeight * outWidth;
  }

  forward(x: Float32Array, batch: number): Float32Array {
    const { outChannels } = this.options;
    const plane = this.outHeight * this.outWidth;
    const fanIn = this.colSize / plane;
    if (this.cols.length < batch * this.colSize) this.cols = new Float32Array(batch * this.colSize);
    const y = new Float32Array(batch * this.outputSize);
    for (let b = 0; b < batch; b++) {
      const yOff = b * this.outputSize;
      for (let o = 0; o < outChannels; o++) y.fill(this.bias.value[o], yOff + o * plane, yOff + (o + 1) * plane);
      im2col(x, b * this.inputSize, this.geometry, this.cols, b * this.colSize);
      gemmNN(this.weight.value, this.cols, y, outChannels, fanIn, plane, 0, b * this.colSize, yOff);
    }
    return y;
  }

  backward(dy: Float32Array, batch: number): Float32Array {
    const { outChannels } = this.options;
    const plane = this.outHeight * this.outWidth;
    const fanIn = this.colSize / plane;
    const dx = new Float32Array(batch * this.inputSize);
    const dcol = new Float32Array(this.colSize);
    for (let b = 0; b < batch; b++) {
      const dyOff = b * this.outputSize;
      for (let o = 0; o < outChannels; o++) {
        let s = 0;
        for (let i = dyOff + o * plane, end = i + plane; i < end; i++) s += dy[i];
        this.bias.grad[o] += s;
      }
      gemmNT(dy, this.cols, this.weight.grad, outChannels, plane, fanIn, dyOff, b * this.colSize, 0);
      dcol.fill(0);
      gemmTN(this.weight.value, dy, dcol, fanIn, outChannels, plane, 0, dyOff, 0);
      col2im(dcol, this.geometry, dx, b * this.inputSize);
    }
    return dx;
  }

  toOnnx(g: OnnxGraphBuilder, x: string): string {
    const p = this.geometry.pad;
    return g.conv(x, {
      name: this.options.name,
      weight: float32Tensor(this.weight.value, this.weight.dims),
      bias: float32Tensor(this.bias.value, this.bias.dims),
      pads: [p, p, p, p],
    });
  }
}
