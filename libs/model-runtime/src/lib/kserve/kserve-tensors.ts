import { endianness } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { TensorDataType, TensorSpec, V2Datatype, V2RequestInput, V2ResponseOutput, V2TensorMetadata } from '@ai/contracts';
import { BadInputError } from '../errors';
import type { DeferredTensor } from '../batching/dynamic-batcher';

const TO_V2: Record<TensorDataType, V2Datatype> = { float32: 'FP32', int64: 'INT64', int32: 'INT32', uint8: 'UINT8' };
const FROM_ORT: Partial<Record<ort.Tensor.Type, V2Datatype>> = {
  float32: 'FP32',
  float64: 'FP64',
  int64: 'INT64',
  int32: 'INT32',
  int16: 'INT16',
  int8: 'INT8',
  uint8: 'UINT8',
  bool: 'BOOL',
};

/** The v2 datatype name of a model tensor type. */
export function toV2Datatype(dtype: TensorDataType): V2Datatype {
  return TO_V2[dtype];
}

/** A model tensor described for v2 metadata (the dynamic batch dimension stays -1). */
export function toV2Metadata(spec: TensorSpec): V2TensorMetadata {
  return { name: spec.name, datatype: TO_V2[spec.dtype], shape: spec.shape };
}

/** Row-major flattening of nested arrays, refusing more than `limit` elements before allocating them. */
function flatten(data: unknown[], limit: number, field: string): unknown[] {
  const out: unknown[] = [];
  const stack: unknown[][] = [data];
  const indices: number[] = [0];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const i = indices[indices.length - 1];
    if (i >= top.length) {
      stack.pop();
      indices.pop();
      continue;
    }
    indices[indices.length - 1] = i + 1;
    const value = top[i];
    if (Array.isArray(value)) {
      if (stack.length > 16) throw new BadInputError(`${field}: data is nested too deeply`, field, 'invalid_tensor');
      stack.push(value);
      indices.push(0);
    } else {
      out.push(value);
      if (out.length > limit) throw new BadInputError(`${field}: data has more than the ${limit} elements its shape allows`, field, 'invalid_tensor');
    }
  }
  return out;
}

/**
 * Converts one v2 JSON input tensor into an onnxruntime tensor for the model input `spec`: data may be flat or
 * nested; the element count must equal the product of `shape`, the shape must match the model's fixed dimensions
 * and the datatype the model's. Every mismatch is a {@link BadInputError} naming the input.
 */
export function v2InputToTensor(input: V2RequestInput, spec: TensorSpec, field: string, maxBatchSize = Infinity): ort.Tensor {
  const shape = checkV2Input(input, spec, field, maxBatchSize);
  const count = shape.reduce((n, d) => n * d, 1);
  if (input.data === undefined)
    throw new BadInputError(`${field}.data: Required (or parameters.binary_data_size with binary tensor data)`, `${field}.data`, 'invalid_tensor');
  const values = flatten(input.data, count, `${field}.data`);
  if (values.length !== count) {
    throw new BadInputError(`${field}.data: shape [${shape.join(',')}] needs ${count} elements, got ${values.length}`, `${field}.data`, 'invalid_shape');
  }
  return new ort.Tensor(spec.dtype, typedData(values, spec.dtype, `${field}.data`), shape);
}

/** Bytes per element of the v2 datatypes the models here take. */
const ELEMENT_BYTES: Record<TensorDataType, number> = { float32: 4, int64: 8, int32: 4, uint8: 1 };

/**
 * The byte count a binary input (binary tensor data extension) declares in `parameters.binary_data_size`, or
 * undefined when it has none (its values are in `data`). A size that is not a non-negative integer, or one given
 * beside `data`, is a {@link BadInputError} naming the field.
 */
export function v2BinaryDataSize(input: V2RequestInput, field: string): number | undefined {
  const size = input.parameters?.['binary_data_size'];
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new BadInputError(
      `${field}.parameters.binary_data_size: must be a non-negative integer, got ${JSON.stringify(size)}`,
      `${field}.parameters.binary_data_size`,
      'invalid_tensor',
    );
  }
  if (input.data !== undefined) throw new BadInputError(`${field}.data: give data or parameters.binary_data_size, not both`, `${field}.data`, 'invalid_tensor');
  return size;
}

/**
 * One v2 input sent as binary tensor data (raw little-endian values, row-major) for the model input `spec`: the
 * datatype and shape are checked as for JSON data, and `bytes` must be exactly the shape's element count times the
 * element size. The result is a {@link DeferredTensor}: the bytes are copied once, straight into the batch tensor.
 */
export function v2BinaryInputToTensor(input: V2RequestInput, spec: TensorSpec, field: string, bytes: Uint8Array, maxBatchSize = Infinity): DeferredTensor {
  const shape = checkV2Input(input, spec, field, maxBatchSize);
  const count = shape.reduce((n, d) => n * d, 1);
  const expected = count * ELEMENT_BYTES[spec.dtype];
  if (bytes.length !== expected) {
    throw new BadInputError(
      `${field}.parameters.binary_data_size: shape [${shape.join(',')}] of ${input.datatype} needs ${expected} bytes, got ${bytes.length}`,
      `${field}.parameters.binary_data_size`,
      'invalid_shape',
    );
  }
  if (endianness() !== 'LE') throw new Error('binary tensor data is little-endian; this host is not');
  return {
    type: spec.dtype,
    dims: shape,
    writeTo(target, offset) {
      new Uint8Array(target.buffer, target.byteOffset + offset * target.BYTES_PER_ELEMENT, bytes.length).set(bytes);
    },
  };
}

/** The datatype and shape checks shared by JSON and binary inputs; returns the shape. */
function checkV2Input(input: V2RequestInput, spec: TensorSpec, field: string, maxBatchSize: number): number[] {
  const expectedType = TO_V2[spec.dtype];
  if (input.datatype !== expectedType) {
    throw new BadInputError(`${field}.datatype: input "${input.name}" must be ${expectedType}, got ${input.datatype}`, `${field}.datatype`, 'invalid_tensor');
  }
  const shape = input.shape;
  const dimsOk = shape.length === spec.shape.length && spec.shape.every((d, i) => d < 0 || d === shape[i]);
  if (!dimsOk) {
    throw new BadInputError(
      `${field}.shape: input "${input.name}" has shape [${shape.join(',')}], the model expects [${spec.shape.join(',')}] (-1 = any)`,
      `${field}.shape`,
      'invalid_shape',
    );
  }
  if (shape[0] > maxBatchSize) {
    throw new BadInputError(`${field}.shape: batch of ${shape[0]} is over the model's maximum of ${maxBatchSize}`, `${field}.shape`, 'invalid_shape');
  }
  return shape;
}

function typedData(values: unknown[], dtype: TensorDataType, field: string): ort.Tensor.DataTypeMap[ort.Tensor.Type] {
  const bad = (i: number, what: string) => new BadInputError(`${field}.${i}: ${what}, got ${JSON.stringify(values[i])}`, `${field}.${i}`, 'invalid_tensor');
  switch (dtype) {
    case 'float32': {
      const out = new Float32Array(values.length);
      values.forEach((v, i) => {
        if (typeof v !== 'number') throw bad(i, 'must be a number');
        out[i] = v;
      });
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(values.length);
      values.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad(i, 'must be an integer');
        out[i] = BigInt(v);
      });
      return out;
    }
    case 'int32':
    case 'uint8': {
      const [min, max, out] = dtype === 'int32' ? [-(2 ** 31), 2 ** 31 - 1, new Int32Array(values.length)] : [0, 255, new Uint8Array(values.length)];
      values.forEach((v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw bad(i, `must be an integer in [${min}, ${max}]`);
        out[i] = v;
      });
      return out;
    }
  }
}

/**
 * An onnxruntime output as a v2 binary output (binary tensor data extension): its JSON part, which declares
 * `binary_data_size`, and its raw little-endian bytes, to follow the JSON header in the body.
 */
export function tensorToV2BinaryOutput(name: string, tensor: ort.Tensor): { output: V2ResponseOutput; bytes: Buffer } {
  const datatype = FROM_ORT[tensor.type];
  if (!datatype) throw new Error(`output "${name}" has type ${tensor.type}, which has no v2 form`);
  if (endianness() !== 'LE') throw new Error('binary tensor data is little-endian; this host is not');
  const view = tensor.data as ArrayBufferView;
  const bytes = Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  return { output: { name, datatype, shape: [...tensor.dims], parameters: { binary_data_size: bytes.length } }, bytes };
}

/** An onnxruntime output as a v2 JSON output tensor (flat, row-major data). */
export function tensorToV2Output(name: string, tensor: ort.Tensor): V2ResponseOutput {
  const datatype = FROM_ORT[tensor.type];
  if (!datatype) throw new Error(`output "${name}" has type ${tensor.type}, which has no v2 JSON form`);
  const data = Array.from(tensor.data as ArrayLike<number | bigint | boolean>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  return { name, datatype, shape: [...tensor.dims], data };
}
