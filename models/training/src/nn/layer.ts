import { OnnxGraphBuilder } from '@ai/onnx-builder';
import { Parameter } from '../toolkit/parameter';

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
