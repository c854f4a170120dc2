import { InferenceSession, Tensor } from 'onnxruntime-node';
import { attr } from './attributes';
import { OnnxGraphBuilder } from './onnx-graph-builder';
import { float32Tensor } from './tensor-data';

async function run(g: OnnxGraphBuilder, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const session = await InferenceSession.create(g.serialize());
  try {
    return (await session.run(feeds)) as Record<string, Tensor>;
  } finally {
    await session.release();
  }
}

const values = (t: Tensor) => Array.from(t.data as Float32Array);

describe('OnnxGraphBuilder', () => {
  it('writes a dense layer with ReLU that onnxruntime computes as x·Wᵀ + b, clamped at zero', async () => {
    const g = new OnnxGraphBuilder({ name: 'dense' });
    const x = g.input('x', 'float32', ['batch', 2]);
    const y = g.relu(g.dense(x, { weight: float32Tensor([1, 2, -3, 1, 0.5, 0.5], [3, 2]), bias: float32Tensor([0, 1, -1], [3]) }));
    g.output(y, 'y', 'float32', ['batch', 3]);

    const out = await run(g, { x: new Tensor('float32', Float32Array.from([1, 1, 2, -4]), [2, 2]) });
    // row 1: [1+2, -3+1+1, 0.5+0.5-1] = [3, -1→0, 0]; row 2: [2-8, -6-4+1, 1-2-1] = [-6→0, -9→0, -2→0]
    expect(out['y'].dims).toEqual([2, 3]);
    expect(values(out['y'])).toEqual([3, 0, 0, 0, 0, 0]);
  });

  it('accepts any batch size on the symbolic batch dimension', async () => {
    const g = new OnnxGraphBuilder({ name: 'softmax' });
    g.output(g.softmax(g.input('x', 'float32', ['n', 3])), 'p', 'float32', ['n', 3]);
    const session = await InferenceSession.create(g.serialize());
    for (const batch of [1, 5]) {
      const out = await session.run({ x: new Tensor('float32', new Float32Array(batch * 3), [batch, 3]) });
      expect(out['p'].dims).toEqual([batch, 3]);
      for (const p of out['p'].data as Float32Array) expect(p).toBeCloseTo(1 / 3, 6);
    }
    await session.release();
  });

  it('computes a padded convolution, max pooling, clip and flatten as defined by ONNX', async () => {
    const g = new OnnxGraphBuilder({ name: 'conv' });
    const x = g.input('x', 'float32', ['batch', 1, 2, 2]);
    // A 3×3 all-ones kernel with padding 1 sums each pixel's neighbourhood; on a 2×2 image that is the total.
    const c = g.conv(x, { weight: float32Tensor(new Float32Array(9).fill(1), [1, 1, 3, 3]), bias: float32Tensor([-4], [1]), pads: [1, 1, 1, 1] });
    const pooled = g.maxPool(g.clip(c, 0, 5), { kernel: [2, 2] });
    g.output(g.flatten(pooled), 'y', 'float32', ['batch', 1]);

    const out = await run(g, { x: new Tensor('float32', Float32Array.from([1, 2, 3, 4, 0, 0, 0, 1]), [2, 1, 2, 2]) });
    // image 1 sums to 10 → 6 → clipped to 5; image 2 sums to 1 → -3 → clipped to 0.
    expect(values(out['y'])).toEqual([5, 0]);
  });

  it('reshapes with a stored shape and gathers embedding rows by int64 index', async () => {
    const g = new OnnxGraphBuilder({ name: 'gather', opsetVersion: 17 });
    const ids = g.input('ids', 'int64', ['batch']);
    const rows = g.gather(float32Tensor([0, 0, 10, 11, 20, 21], [3, 2]), ids);
    g.output(g.reshape(rows, [-1]), 'flat', 'float32', ['n']);

    const out = await run(g, { ids: new Tensor('int64', BigInt64Array.from([2n, 1n]), [2]) });
    expect(values(out['flat'])).toEqual([20, 21, 10, 11]);
  });

  it('passes typed attributes through generic nodes', async () => {
    const g = new OnnxGraphBuilder({ name: 'transpose' });
    const x = g.input('x', 'float32', [2, 3]);
    const [t] = g.node('Transpose', [x], { perm: attr.ints([1, 0]) });
    g.output(t, 't', 'float32', [3, 2]);
    const out = await run(g, { x: new Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]) });
    expect(values(out['t'])).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('rejects a reused tensor name and weights whose dims do not match their data', () => {
    const g = new OnnxGraphBuilder({ name: 'bad' });
    g.input('x', 'float32', [1]);
    expect(() => g.input('x', 'float32', [1])).toThrow(/already used/);
    expect(() => float32Tensor([1, 2, 3], [2, 2])).toThrow(/3 elements/);
    expect(() => g.serialize()).toThrow(/no outputs/);
  });
});
