import { onnx } from 'onnx-proto';

/** Element types the builder writes. Float tensors carry weights; int64 tensors carry shapes and indices. */
export type ElementType = 'float32' | 'int64' | 'int32';

/** A constant tensor: row-major data plus its dimensions (the product of `dims` must equal the length). */
export type TensorData =
  { data: Float32Array; dims: readonly number[] } | { data: BigInt64Array; dims: readonly number[] } | { data: Int32Array; dims: readonly number[] };

/** One dimension of a graph input or output: a size, or a symbolic name such as `batch` for a dynamic size. */
export type Dim = number | string;

const ONNX_ELEMENT_TYPE: Record<ElementType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
};

export function onnxElementType(type: ElementType): number {
  return ONNX_ELEMENT_TYPE[type];
}

export function elementTypeOf(tensor: TensorData): ElementType {
  if (tensor.data instanceof Float32Array) return 'float32';
  if (tensor.data instanceof BigInt64Array) return 'int64';
  return 'int32';
}

/** A float32 tensor from data and dims, checking that they agree. */
export function float32Tensor(data: Float32Array | readonly number[], dims: readonly number[]): TensorData {
  const array = data instanceof Float32Array ? data : Float32Array.from(data);
  checkLength(array.length, dims);
  return { data: array, dims: [...dims] };
}

/** An int64 tensor (shapes, indices) from plain numbers. */
export function int64Tensor(values: readonly number[], dims: readonly number[] = [values.length]): TensorData {
  checkLength(values.length, dims);
  return { data: BigInt64Array.from(values.map((v) => BigInt(v))), dims: [...dims] };
}

function checkLength(length: number, dims: readonly number[]): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new Error(`tensor has ${length} elements but dims [${dims.join(', ')}] need ${expected}`);
  }
}

/**
 * Encodes a constant as a TensorProto. Data goes in `raw_data` (little-endian, as ONNX requires), which is
 * compact and fast to parse; the copy keeps the proto independent of the caller's buffer.
 */
export function toTensorProto(name: string, tensor: TensorData): onnx.ITensorProto {
  checkLength(tensor.data.length, tensor.dims);
  const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength).slice();
  return {
    name,
    dims: [...tensor.dims],
    dataType: onnxElementType(elementTypeOf(tensor)),
    rawData: bytes,
  };
}

/** A graph input/output description with a tensor type; string dims become symbolic (dynamic) dims. */
export function toValueInfo(name: string, type: ElementType, dims: readonly Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnxElementType(type),
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
