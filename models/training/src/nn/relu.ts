import { OnnxGraphBuilder } from '@ai/onnx-builder';
import { Layer } from './layer';

/** max(0, x); the backward pass lets gradients through where the output was positive. */
export class Relu implements Layer {
  readonly params = [];
  readonly outputSize: number;
  private output: Float32Array = new Float32Array(0);

  constructor(readonly inputSize: number) {
    this.outputSize = inputSize;
  }

  forward(x: Float32Array): Float32Array {
    const y = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
    this.output = y;
    return y;
  }

  backward(dy: Float32Array): Float32Array {
    const dx = new Float32Array(dy.length);
    for (let i = 0; i < dy.length; i++) dx[i] = this.output[i] > 0 ? dy[i] : 0;
    return dx;
  }

  toOnnx(g: OnnxGraphBuilder, x: string): string {
    return g.relu(x);
  }
}
