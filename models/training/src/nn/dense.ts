import { float32Tensor, OnnxGraphBuilder } from '@ai/onnx-builder';
import { SeededRandom } from '@ai/seeded-random';
import { gemmNN, gemmNT, gemmTN } from './gemm';
import { Parameter } from '../toolkit/parameter';
import { Layer } from './layer';

/**
 * Fully connected layer y = x·Wᵀ + b with W stored [out, in], the layout of ONNX Gemm with transB = 1.
 * He-initialised; the exported node flattens its input first, so it may follow a convolution directly.
 */
export class Dense implements Layer {
  readonly params: Parameter[];
  private readonly weight: Parameter;
  private readonly bias: Parameter;
  private input: Float32Array = new Float32Array(0);

  constructor(
    readonly inputSize: number,
    readonly outputSize: number,
    private readonly name: string,
    rng: SeededRandom,
  ) {
    this.weight = new Parameter(`${name}.weight`, [outputSize, inputSize], rng.heNormal(outputSize * inputSize, inputSize));
    this.bias = new Parameter(`${name}.bias`, [outputSize], new Float32Array(outputSize));
    this.params = [this.weight, this.bias];
  }

  forward(x: Float32Array, batch: number): Float32Array {
    this.input = x;
    const y = new Float32Array(batch * this.outputSize);
    for (let b = 0; b < batch; b++) y.set(this.bias.value, b * this.outputSize);
    gemmNT(x, this.weight.value, y, batch, this.inputSize, this.outputSize);
    return y;
  }

  backward(dy: Float32Array, batch: number): Float32Array {
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < this.outputSize; o++) this.bias.grad[o] += dy[b * this.outputSize + o];
    }
    gemmTN(dy, this.input, this.weight.grad, this.outputSize, batch, this.inputSize);
    const dx = new Float32Array(batch * this.inputSize);
    gemmNN(dy, this.weight.value, dx, batch, this.outputSize, this.inputSize);
    return dx;
  }

  toOnnx(g: OnnxGraphBuilder, x: string): string {
    return g.dense(g.flatten(x), {
      name: this.name,
      weight: float32Tensor(this.weight.value, this.weight.dims),
      bias: float32Tensor(this.bias.value, this.bias.dims),
    });
  }
}
