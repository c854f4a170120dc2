import * as ort from 'onnxruntime-node';
import { SeededRandom } from '@ai/seeded-random';
import { tinyConvClassifier } from '../models.fixture';
import { DynamicBatcher, type NumericArray, type TensorMap } from './dynamic-batcher';

const image = (rng: SeededRandom, rows = 1) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: rows * 784 }, () => rng.next()),
    [rows, 1, 28, 28],
  );

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
    const batcher = new DynamicBatcher({
      run: async (feeds: TensorMap) => ({ out: feeds.x }),
      maxBatchSize: 8,
      maxBatchDelayMs: 20,
      onBatch: (n) => batches.push(n),
    });
    const t = (width: number, value: number) => new ort.Tensor('float32', new Float32Array(width).fill(value), [1, width]);
    const results = await Promise.all([batcher.submit({ x: t(2, 1) }), batcher.submit({ x: t(3, 2) }), batcher.submit({ x: t(2, 3) })]);
    expect(batches.sort()).toEqual([1, 2]);
    expect(results.map((r) => Array.from(r.outputs.out.data as Float32Array))).toEqual([
      [1, 1],
      [2, 2, 2],
      [3, 3],
    ]);
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

describe('dynamic batcher: when a batch starts', () => {
  /** An identity "model" that records each batch's rows and how long it takes, `ms`. */
  const recording = (ms = 0) => {
    const batches: number[] = [];
    const run = async (feeds: TensorMap) => {
      batches.push(feeds.x.dims[0]);
      if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
      return { out: feeds.x };
    };
    return { batches, run };
  };
  const row = (value: number) => ({ x: new ort.Tensor('float32', new Float32Array([value, value]), [1, 2]) });

  it('starts a lone request on an idle instance at once, without waiting for the batch delay', async () => {
    const { batches, run } = recording();
    const batcher = new DynamicBatcher({ run, maxBatchSize: 8, maxBatchDelayMs: 1000 });
    const started = performance.now();
    const result = await batcher.submit(row(1));
    expect(performance.now() - started).toBeLessThan(500);
    expect(result.queueMs).toBeLessThan(500);
    expect(batches).toEqual([1]);
  });

  it('still batches requests submitted in the same turn of the event loop', async () => {
    const { batches, run } = recording();
    const batcher = new DynamicBatcher({ run, maxBatchSize: 8, maxBatchDelayMs: 1000 });
    const results = await Promise.all([1, 2, 3].map((v) => batcher.submit(row(v))));
    expect(batches).toEqual([3]);
    expect(results.map((r) => Array.from(r.outputs.out.data as Float32Array))).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('waits, up to the delay, for a request announced as on its way, and starts when it arrives', async () => {
    const { batches, run } = recording();
    const batcher = new DynamicBatcher({ run, maxBatchSize: 8, maxBatchDelayMs: 1000 });
    const coming = batcher.expect();
    const first = batcher.submit(row(1));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(batches).toEqual([]);
    const started = performance.now();
    const second = coming.submit(row(2));
    await Promise.all([first, second]);
    expect(performance.now() - started).toBeLessThan(500);
    expect(batches).toEqual([2]);
  });

  it('starts without an announced request that is withdrawn, and without one that never comes once the delay is over', async () => {
    const { batches, run } = recording();
    const batcher = new DynamicBatcher({ run, maxBatchSize: 8, maxBatchDelayMs: 60 });
    const withdrawn = batcher.expect();
    const first = batcher.submit(row(1));
    setTimeout(() => withdrawn.cancel(), 10);
    const started = performance.now();
    await first;
    expect(performance.now() - started).toBeLessThan(55);
    const never = batcher.expect();
    const second = batcher.submit(row(2));
    const waitedFrom = performance.now();
    await second;
    expect(performance.now() - waitedFrom).toBeGreaterThanOrEqual(50);
    expect(batches).toEqual([1, 1]);
    never.cancel();
  });

  it('forms the next batch while an instance is busy, from every request that arrived meanwhile', async () => {
    const { batches, run } = recording(40);
    const batcher = new DynamicBatcher({ run, maxBatchSize: 8, maxBatchDelayMs: 5 });
    const first = batcher.submit(row(0));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rest = [1, 2, 3, 4].map((v) => batcher.submit(row(v)));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([1, 4]);
  });

  it('tells the run whether its batch is alone: nothing queued, announced or running beside it', async () => {
    const alone: boolean[] = [];
    const batcher = new DynamicBatcher({
      run: async (feeds, info) => {
        alone.push(info.alone);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { out: feeds.x };
      },
      maxBatchSize: 2,
      maxBatchDelayMs: 5,
      maxConcurrentBatches: 2,
    });
    await batcher.submit(row(1));
    const coming = batcher.expect();
    await batcher.submit(row(2));
    coming.cancel();
    // Rows 1 and 2 fill a batch, which starts before 3 and 4 exist: alone as far as anyone can know. The batch of 3
    // and 4 starts beside it.
    await Promise.all([1, 2, 3, 4].map((v) => batcher.submit(row(v))));
    expect(alone).toEqual([true, false, true, false]);
  });

  it('writes deferred inputs straight into the batch tensor, and says the batch buffers are its own', async () => {
    const owned: boolean[] = [];
    const allocated: number[] = [];
    const batcher = new DynamicBatcher({
      run: async (feeds, info) => {
        owned.push(info.owned);
        return { out: feeds.x };
      },
      allocate: (bytes) => {
        allocated.push(bytes);
        return new ArrayBuffer(bytes);
      },
      maxBatchSize: 8,
      maxBatchDelayMs: 10,
    });
    const deferred = (value: number) => ({
      x: {
        type: 'float32' as const,
        dims: [1, 2],
        writeTo: (target: NumericArray, offset: number) => (target as Float32Array).fill(value, offset, offset + 2),
      },
    });
    const [a, b, c] = await Promise.all([batcher.submit(deferred(7)), batcher.submit(row(8)), batcher.submit(deferred(9))]);
    expect([a, b, c].map((r) => Array.from(r.outputs.out.data as Float32Array))).toEqual([
      [7, 7],
      [8, 8],
      [9, 9],
    ]);
    expect(allocated).toEqual([3 * 2 * 4]);
    // A lone request of plain tensors runs on them as they are: the caller's, so not the batcher's to move.
    await batcher.submit(row(1));
    await batcher.submit(deferred(2));
    expect(owned).toEqual([true, false, true]);
  });
});
