import * as ort from 'onnxruntime-node';
import type { TensorSpec, V2RequestInput } from '@ai/contracts';
import { tensorToV2Output, v2InputToTensor } from './kserve-tensors';

const spec: TensorSpec = { name: 'input', dtype: 'float32', shape: [-1, 2, 3] };
const input = (over: Partial<V2RequestInput>): V2RequestInput => ({ name: 'input', datatype: 'FP32', shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6], ...over });

describe('KServe v2 tensors', () => {
  it('accepts flat and nested data as the same row-major tensor', () => {
    const flat = v2InputToTensor(input({}), spec, 'inputs.0');
    const nested = v2InputToTensor(
      input({
        data: [
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
        ],
      }),
      spec,
      'inputs.0',
    );
    expect(flat.dims).toEqual([1, 2, 3]);
    expect(Array.from(nested.data as Float32Array)).toEqual(Array.from(flat.data as Float32Array));
  });

  it('rejects a shape that does not match the model, naming the input', () => {
    expect(() => v2InputToTensor(input({ shape: [1, 3, 2] }), spec, 'inputs.0')).toThrow(
      'inputs.0.shape: input "input" has shape [1,3,2], the model expects [-1,2,3]',
    );
  });

  it('rejects data whose element count differs from the shape', () => {
    expect(() => v2InputToTensor(input({ data: [1, 2, 3] }), spec, 'inputs.0')).toThrow('inputs.0.data: shape [1,2,3] needs 6 elements, got 3');
    expect(() => v2InputToTensor(input({ data: new Array(7).fill(0) }), spec, 'inputs.0')).toThrow(/more than the 6 elements/);
  });

  it('rejects the wrong datatype and non-numeric values', () => {
    expect(() => v2InputToTensor(input({ datatype: 'INT64' }), spec, 'inputs.0')).toThrow('inputs.0.datatype: input "input" must be FP32, got INT64');
    expect(() => v2InputToTensor(input({ data: [1, 2, 3, 4, 5, 'x'] }), spec, 'inputs.0')).toThrow('inputs.0.data.5: must be a number');
  });

  it('rejects batches over the model maximum', () => {
    expect(() => v2InputToTensor(input({ shape: [3, 2, 3], data: new Array(18).fill(0) }), spec, 'inputs.0', 2)).toThrow(
      /batch of 3 is over the model's maximum of 2/,
    );
  });

  it('maps INT64 to BigInt64Array and back to numbers', () => {
    const t = v2InputToTensor({ name: 'ids', datatype: 'INT64', shape: [1, 3], data: [5, 6, 7] }, { name: 'ids', dtype: 'int64', shape: [-1, -1] }, 'inputs.0');
    expect(t.type).toBe('int64');
    expect(tensorToV2Output('ids', t)).toEqual({ name: 'ids', datatype: 'INT64', shape: [1, 3], data: [5, 6, 7] });
    expect(() =>
      v2InputToTensor({ name: 'ids', datatype: 'INT64', shape: [1, 1], data: [1.5] }, { name: 'ids', dtype: 'int64', shape: [-1, -1] }, 'inputs.0'),
    ).toThrow('must be an integer');
  });

  it('outputs FP32 tensors flat with their shape', () => {
    const out = tensorToV2Output('logits', new ort.Tensor('float32', Float32Array.from([0.5, 1.5]), [1, 2]));
    expect(out).toEqual({ name: 'logits', datatype: 'FP32', shape: [1, 2], data: [0.5, 1.5] });
  });
});
