import { OnnxGraphBuilder } from '@ai/onnx-builder';
import { Parameter } from '../toolkit/parameter';
import { Layer } from './layer';

/** Describes the exported graph's single input and output. */
export interface OnnxSignature {
  graphName: string;
  input: { name: string; dims: (number | string)[] };
  output: { name: string; dims: (number | string)[] };
  docString?: string;
}

/** A stack of layers trained end to end; the same stack exports itself to ONNX. */
export class Sequential {
  constructor(readonly layers: Layer[]) {
    for (let i = 1; i < layers.length; i++) {
      if (layers[i].inputSize !== layers[i - 1].outputSize) {
        throw new Error(`layer ${i} expects ${layers[i].inputSize} values per sample, layer ${i - 1} gives ${layers[i - 1].outputSize}`);
      }
    }
  }

  get params(): Parameter[] {
    return this.layers.flatMap((l) => l.params);
  }

  get parameterCount(): number {
    return this.params.reduce((n, p) => n + p.value.length, 0);
  }

  forward(x: Float32Array, batch: number): Float32Array {
    return this.layers.reduce((h, layer) => layer.forward(h, batch), x);
  }

  /** Back-propagates the gradient of the loss with respect to the output; fills every parameter's grad. */
  backward(dy: Float32Array, batch: number): void {
    let g = dy;
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g, batch);
  }

  toOnnx(signature: OnnxSignature): Uint8Array {
    const g = new OnnxGraphBuilder({ name: signature.graphName, docString: signature.docString });
    const x = g.input(signature.input.name, 'float32', signature.input.dims);
    const y = this.layers.reduce((h, layer) => layer.toOnnx(g, h), x);
    g.output(y, signature.output.name, 'float32', signature.output.dims);
    return g.serialize();
  }
}
