import { onnx } from 'onnx-proto';
import { attr, Attributes, toAttributeProtos } from './attributes';
import { Dim, ElementType, float32Tensor, int64Tensor, TensorData, toTensorProto, toValueInfo } from './tensor-data';

/** Options of a model being built. */
export interface OnnxGraphBuilderOptions {
  /** Graph name stored in the model. */
  name: string;
  /** Default opset of the `ai.onnx` domain: 13. onnxruntime-node 1.30 accepts 7 to 21; LayerNormalization needs 17. */
  opsetVersion?: number;
  /** Recorded as `producer_name`; default `@ai/onnx-builder`. */
  producerName?: string;
  /** Free text stored as the model's doc string. */
  docString?: string;
}

/** Weights of a layer: a constant tensor the builder stores as an initializer. */
export type Weights = TensorData;

/**
 * Writes an ONNX model node by node. Every method that adds a node returns the name of its output tensor,
 * so graphs read like the forward pass: `const h = g.relu(g.conv(x, {...}))`. Names are generated
 * (`conv_3`), unique within the graph; pass `name` to choose one.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(private readonly options: OnnxGraphBuilderOptions) {}

  /** Declares a graph input; string dims are dynamic (e.g. `['batch', 1, 28, 28]`). Returns its name. */
  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(toValueInfo(name, type, dims));
    return name;
  }

  /**
   * Declares `tensor` as a graph output called `name`. When the tensor has another name an Identity node
   * renames it, so callers can build the graph first and name the outputs last.
   */
  output(tensor: string, name: string, type: ElementType, dims: readonly Dim[]): string {
    if (tensor !== name) this.node('Identity', [tensor], {}, { output: name });
    this.outputs.push(toValueInfo(name, type, dims));
    return name;
  }

  /** Stores a constant tensor in the graph. Returns its name. */
  initializer(name: string, tensor: TensorData): string {
    this.claim(name);
    this.initializers.push(toTensorProto(name, tensor));
    return name;
  }

  /**
   * Adds any ONNX operator. Returns the names of its outputs (`outputs` names or a count of generated ones).
   * Use it for operators without a helper below, e.g. `g.node('Transpose', [x], { perm: attr.ints([0, 2, 1]) })`.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Attributes = {},
    options: { output?: string; outputs?: readonly string[] | number; name?: string } = {},
  ): string[] {
    const name = options.name ?? this.fresh(opType.toLowerCase());
    let outputs: string[];
    if (Array.isArray(options.outputs)) outputs = [...options.outputs];
    else if (typeof options.outputs === 'number') {
      outputs = Array.from({ length: options.outputs }, (_, i) => `${name}_out${i}`);
    } else outputs = [options.output ?? `${name}_out`];
    for (const o of outputs) this.claim(o);
    this.nodes.push({ name, opType, input: [...inputs], output: outputs, attribute: toAttributeProtos(attributes) });
    return outputs;
  }

  /** 2-D convolution. `weight` is [outChannels, inChannels / group, kH, kW]; pads default to 0. */
  conv(x: string, layer: { weight: Weights; bias?: Weights; strides?: number[]; pads?: number[]; group?: number; name?: string }): string {
    const name = layer.name ?? this.fresh('conv');
    const inputs = [x, this.initializer(`${name}.weight`, layer.weight)];
    if (layer.bias) inputs.push(this.initializer(`${name}.bias`, layer.bias));
    const [kh, kw] = layer.weight.dims.slice(2);
    return this.node(
      'Conv',
      inputs,
      {
        kernel_shape: attr.ints([kh, kw]),
        strides: attr.ints(layer.strides ?? [1, 1]),
        pads: attr.ints(layer.pads ?? [0, 0, 0, 0]),
        group: attr.int(layer.group ?? 1),
      },
      { name },
    )[0];
  }

  /** Fully connected layer y = x·Wᵀ + b (Gemm with transB). `weight` is [outFeatures, inFeatures]. */
  dense(x: string, layer: { weight: Weights; bias?: Weights; name?: string }): string {
    const name = layer.name ?? this.fresh('dense');
    const inputs = [x, this.initializer(`${name}.weight`, layer.weight)];
    if (layer.bias) inputs.push(this.initializer(`${name}.bias`, layer.bias));
    return this.node('Gemm', inputs, { transB: attr.int(1) }, { name })[0];
  }

  /** Matrix product with numpy broadcasting (MatMul). */
  matMul(a: string, b: string): string {
    return this.node('MatMul', [a, b])[0];
  }

  /** Elementwise sum with broadcasting. */
  add(a: string, b: string): string {
    return this.node('Add', [a, b])[0];
  }

  relu(x: string): string {
    return this.node('Relu', [x])[0];
  }

  /** Clamps to [min, max] (opset 11+ takes the bounds as inputs). `clip(x, 0, 6)` is ReLU6. */
  clip(x: string, min: number, max: number): string {
    const name = this.fresh('clip');
    const lo = this.initializer(`${name}.min`, float32Tensor([min], []));
    const hi = this.initializer(`${name}.max`, float32Tensor([max], []));
    return this.node('Clip', [x, lo, hi], {}, { name })[0];
  }

  maxPool(x: string, pool: { kernel: number[]; strides?: number[]; pads?: number[] }): string {
    return this.node('MaxPool', [x], {
      kernel_shape: attr.ints(pool.kernel),
      strides: attr.ints(pool.strides ?? pool.kernel),
      pads: attr.ints(pool.pads ?? [0, 0, 0, 0]),
    })[0];
  }

  averagePool(x: string, pool: { kernel: number[]; strides?: number[]; pads?: number[] }): string {
    return this.node('AveragePool', [x], {
      kernel_shape: attr.ints(pool.kernel),
      strides: attr.ints(pool.strides ?? pool.kernel),
      pads: attr.ints(pool.pads ?? [0, 0, 0, 0]),
    })[0];
  }

  globalAveragePool(x: string): string {
    return this.node('GlobalAveragePool', [x])[0];
  }

  /** Flattens to 2-D: dims before `axis` become rows (default 1 keeps the batch dimension). */
  flatten(x: string, axis = 1): string {
    return this.node('Flatten', [x], { axis: attr.int(axis) })[0];
  }

  /** Reshape to `shape` (0 copies the input dim, -1 is inferred). */
  reshape(x: string, shape: readonly number[]): string {
    const name = this.fresh('reshape');
    const s = this.initializer(`${name}.shape`, int64Tensor([...shape]));
    return this.node('Reshape', [x, s], {}, { name })[0];
  }

  softmax(x: string, axis = -1): string {
    return this.node('Softmax', [x], { axis: attr.int(axis) })[0];
  }

  /** Inference-mode batch normalisation with stored statistics; each tensor is [channels]. */
  batchNormalization(x: string, stats: { scale: Weights; bias: Weights; mean: Weights; variance: Weights; epsilon?: number; name?: string }): string {
    const name = stats.name ?? this.fresh('bn');
    const inputs = [x, ...(['scale', 'bias', 'mean', 'variance'] as const).map((k) => this.initializer(`${name}.${k}`, stats[k]))];
    return this.node('BatchNormalization', inputs, { epsilon: attr.float(stats.epsilon ?? 1e-5) }, { name })[0];
  }

  /** Looks rows up in a stored table (embeddings): `indices` is an int64 tensor name. */
  gather(table: Weights | string, indices: string, axis = 0): string {
    const name = this.fresh('gather');
    const data = typeof table === 'string' ? table : this.initializer(`${name}.table`, table);
    return this.node('Gather', [data, indices], { axis: attr.int(axis) }, { name })[0];
  }

  /** The finished ModelProto (IR version 8, readable by onnxruntime 1.10 and later). */
  toModelProto(): onnx.IModelProto {
    if (this.outputs.length === 0) throw new Error('graph has no outputs');
    return {
      irVersion: 8,
      producerName: this.options.producerName ?? '@ai/onnx-builder',
      producerVersion: '1',
      docString: this.options.docString,
      opsetImport: [{ domain: '', version: this.options.opsetVersion ?? 13 }],
      graph: {
        name: this.options.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
  }

  /** The model as protobuf bytes, ready for `fs.writeFile` or `InferenceSession.create`. */
  serialize(): Uint8Array {
    return onnx.ModelProto.encode(this.toModelProto()).finish();
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.used.has(name) || this.used.has(`${name}_out`));
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`tensor name "${name}" is already used in this graph`);
    this.used.add(name);
  }
}
