import { OnnxGraphBuilder } from '@ai/onnx-builder';

/** A trainable tensor and its gradient, accumulated by `backward` and consumed by the optimizer. */
export interface Parameter {
  name: string;
  value: Float32Array;
  grad: Float32Array;
  dims: number[];
}

export function parameter(name: string, value: Float32Array, dims: number[]): Parameter {
  return { name, value, grad: new Float32Array(value.length), dims };
}

/**
 * One layer of a sequential network over a batch stored as one flat row-major array (NCHW or N×features).
 * `forward` keeps what `backward` needs; `backward` accumulates parameter gradients and returns the input
 * gradient. `toOnnx` writes the same computation into an ONNX graph, so the exported model is the trained one.
 */
export interface Layer {
  readonly params: Parameter[];
  /** Values per sample of the input and of the output. */
  readonly inputSize: number;
  readonly outputSize: number;
  forward(x: Float32Array, batch: number): Float32Array;
  backward(dy: Float32Array, batch: number): Float32Array;
  toOnnx(g: OnnxGraphBuilder, x: string): string;
}
