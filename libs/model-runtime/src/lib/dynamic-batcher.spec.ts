import * as ort from 'onnxruntime-node';
import { SeededRandom } from '@ai/seeded-random';
import { tinyConvClassifier } from '../../test/fixture-models';
import { DynamicBatcher, type TensorMap } from './dynamic-batcher';

const image = (rng: SeededRandom, rows = 1) => new ort.Tensor('float32', Float32Array.from({ length: rows * 784 }, () => rng.next()), [rows, 1, 28, 28]);

describe('dynamic batcher', () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(tinyConvClassifier(7), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  });
  afterAll(() => session.release());

  const batcherWith = (maxBatchSize: number, maxBatchDelayMs: number, batches: number[] = []) =>
    new DynamicBatcher({ run: (feeds) => session.run(feeds), maxBatchSize, maxBatchDelayMs, onBatch: (size) => batches.push(size) });

  it('groups concurrent requests into one session.run and reports the batch size', async () => {
    const batches: number[] = [];
    const batcher = batcherWith(8, 50, batches);
    const rng = new SeededRandom(1);
    const results = await Promise.all(Array.from({ length: 5 }, () => batcher.submit({ input: image(rng) })));
    expect(batches).toEqual([5]);
    for (const r of results) {
      expect(r.batchSize).toBe(5);
      expect(r.outputs.logits.dims).toEqual([1, 10]);
      expect(r.queueMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('gives every request the same logits as running it alone (within 1e-5)', async () => {
    const rng = new SeededRandom(2);
    const inputs = Array.from({ length: 12 }, () => image(rng));
    const alone = await Promise.all(inputs.map((input) => session.run({ input })));
    const batches: number[] = [];
    const batched = await Promise.all(inputs.map((input) => batcherWith(4, 20, batches).submit({ input })));
    const shared = batcherWith(4, 20, batches);
    const together = await Promise.all(inputs.map((input) => shared.submit({ input })));
    for (const results of [batched, together]) {
      results.forEach((r, i) => {
        const expected = alone[i].logits.data as Float32Array;
        const actual = r.outputs.logits.data as Float32Array;
        expect(actual.length).toBe(10);
        actual.forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-5));
      });
    }
    expect(together.map((r) => r.batchSize)).toEqual([4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
  });

  it('never exceeds maxBatchSize rows and splits multi-row requests back by rows', async () => {
    const batches: number[] = [];
    const batcher = batcherWith(4, 20, batches);
    const rng = new SeededRandom(3);
    const big = image(rng, 3);
    const alone = (await session.run({ input: big })).logits.data as Float32Array;
    const [first, ...rest] = await Promise.all([batcher.submit({ input: big }), ...Array.from({ length: 6 }, () => batcher.submit({ input: image(rng) }))]);
    expect(Math.max(...batches)).toBeLessThanOrEqual(4);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(9);
    expect(first.outputs.logits.dims).toEqual([3, 10]);
    (first.outputs.logits.data as Float32Array).forEach((v, j) => expect(Math.abs(v - alone[j])).toBeLessThan(1e-5));
    expect(rest.every((r) => r.outputs.logits.dims[0] === 1)).toBe(true);
  });

  it('with maxBatchSize 1, runs requests one at a time, in arrival order', async () => {
    const batches: number[] = [];
    let running = 0;
    let maxRunning = 0;
    const batcher = new DynamicBatcher({
      run: async (feeds) => {
        maxRunning = Math.max(maxRunning, ++running);
        try {
          return await session.run(feeds);
        } finally {
          running -= 1;
        }
      },
      maxBatchSize: 1,
      maxBatchDelayMs: 50,
      onBatch: (size) => batches.push(size),
    });
    expect(batcher.enabled).toBe(false);
    const rng = new SeededRandom(4);
    const results = await Promise.all(Array.from({ length: 3 }, () => batcher.submit({ input: image(rng) })));
    expect(batches).toEqual([1, 1, 1]);
    expect(maxRunning).toBe(1);
    expect(results.map((r) => r.batchSize)).toEqual([1, 1, 1]);
    // The third waited for the first two runs, never for the 50 ms batch delay to pass before the first.
    expect(results[0].queueMs).toBeLessThan(results[2].queueMs);
  });

  it('only batches requests whose non-batch dimensions agree', async () => {
    const batches: number[] = [];
    // An identity "model": what goes in comes out, so the split can be checked row by row.
    const batcher = new DynamicBatcher({ run: async (feeds: TensorMap) => ({ out: feeds.x }), maxBatchSize: 8, maxBatchDelayMs: 20, onBatch: (n) => batches.push(n) });
    const t = (width: number, value: number) => new ort.Tensor('float32', new Float32Array(width).fill(value), [1, width]);
    const results = await Promise.all([batcher.submit({ x: t(2, 1) }), batcher.submit({ x: t(3, 2) }), batcher.submit({ x: t(2, 3) })]);
    expect(batches.sort()).toEqual([1, 2]);
    expect(results.map((r) => Array.from(r.outputs.out.data as Float32Array))).toEqual([[1, 1], [2, 2, 2], [3, 3]]);
  });

  it('a failed run rejects the requests in its batch and the next batch still runs', async () => {
    let failNext = true;
    const batcher = new DynamicBatcher({
      run: async (feeds) => {
        if (failNext) {
          failNext = false;
          throw new Error('device lost');
        }
        return session.run(feeds);
      },
      maxBatchSize: 4,
      maxBatchDelayMs: 10,
    });
    const rng = new SeededRandom(5);
    const failed = await Promise.allSettled([batcher.submit({ input: image(rng) }), batcher.submit({ input: image(rng) })]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.submit({ input: image(rng) })).resolves.toMatchObject({ batchSize: 1 });
    await batcher.idle();
  });
});
