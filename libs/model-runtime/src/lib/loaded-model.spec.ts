import * as ort from 'onnxruntime-node';
import { createTempRepository, type TempRepository } from './models.fixture';
import { availableParallelism } from 'node:os';
import { AUTO_MAX_INSTANCES, loadModel } from './loaded-model';
import { WorkerSession } from './sessions/worker-session';

describe('loadModel', () => {
  let repo: TempRepository;
  beforeAll(() => {
    repo = createTempRepository();
    repo.addDigitsLikeModel('tiny', '1', 1);
    repo.addDigitsLikeModel('tiny', '2', 2, { maxBatchSize: 4 });
    repo.addDigitsLikeModel('misnamed', '1', 1, { inputs: [{ name: 'pixels', dtype: 'float32', shape: [-1, 1, 28, 28] }] });
  });
  afterAll(() => repo.dispose());

  it('opens the latest version on CPU, warmed up, with batching capped by the model config', async () => {
    const model = await loadModel({ repository: repo.root, name: 'tiny', providers: 'cpu', maxBatchSize: 16 });
    try {
      expect(model.config.version).toBe('2');
      expect(model.provider).toBe('cpu');
      expect(model.loadSeconds).toBeGreaterThan(0);
      expect(model.batcher.enabled).toBe(true);
      const feeds = model.zeroFeeds(6);
      expect(feeds.input.dims).toEqual([6, 1, 28, 28]);
      const results: number[] = [];
      const batched = await Promise.all(
        Array.from({ length: 6 }, () => model.run({ input: new ort.Tensor('float32', new Float32Array(784), [1, 1, 28, 28]) })),
      );
      for (const r of batched) results.push(r.batchSize);
      expect(Math.max(...results)).toBeLessThanOrEqual(4);
    } finally {
      await model.close();
    }
  });

  it('with thread auto, runs a model this small on the calling thread, answering as on a worker', async () => {
    const onWorker = await loadModel({ repository: repo.root, name: 'tiny', version: '1', providers: 'cpu', maxBatchSize: 4, thread: 'worker' });
    const auto = await loadModel({ repository: repo.root, name: 'tiny', version: '1', providers: 'cpu', maxBatchSize: 4, thread: 'auto' });
    try {
      expect(onWorker.session.instances[0]).toBeInstanceOf(WorkerSession);
      expect(auto.session.instances[0]).not.toBeInstanceOf(WorkerSession);
      const input = new ort.Tensor(
        'float32',
        Float32Array.from({ length: 784 }, (_, i) => (i % 13) / 13),
        [1, 1, 28, 28],
      );
      const [a, b] = await Promise.all([onWorker.run({ input }), auto.run({ input })]);
      const expected = a.outputs.logits.data as Float32Array;
      (b.outputs.logits.data as Float32Array).forEach((v, j) => expect(Math.abs(v - expected[j])).toBeLessThan(1e-5));
    } finally {
      await Promise.all([onWorker.close(), auto.close()]);
    }
  });

  it('with instances auto, opens one instance per core beside one of every core, all answering alike', async () => {
    const one = await loadModel({ repository: repo.root, name: 'tiny', version: '1', providers: 'cpu', maxBatchSize: 2, instances: 1 });
    const auto = await loadModel({
      repository: repo.root,
      name: 'tiny',
      version: '1',
      providers: 'cpu',
      maxBatchSize: 2,
      instances: 'auto',
      thread: 'worker',
      allowSpinning: 'auto',
    });
    try {
      const cores = availableParallelism();
      expect(auto.session.size).toBe(cores >= 2 ? Math.min(cores, AUTO_MAX_INSTANCES) : 1);
      expect(auto.session.sessions).toHaveLength(cores >= 2 ? auto.session.size + 1 : 1);
      // Threads busy-wait only in the solo instance, which runs only alone; explicit counts never spin unless asked.
      expect(auto.spinning).toBe(cores >= 2 ? 'solo' : 'none');
      expect(one.spinning).toBe('none');
      const inputs = Array.from(
        { length: 6 },
        (_, k) =>
          new ort.Tensor(
            'float32',
            Float32Array.from({ length: 784 }, (_, i) => ((i * (k + 5)) % 19) / 19),
            [1, 1, 28, 28],
          ),
      );
      const expected = await Promise.all(inputs.map((input) => one.run({ input })));
      const actual = await Promise.all(inputs.map((input) => auto.run({ input })));
      actual.forEach((r, i) => {
        const want = expected[i].outputs.logits.data as Float32Array;
        (r.outputs.logits.data as Float32Array).forEach((v, j) => expect(Math.abs(v - want[j])).toBeLessThan(1e-5));
      });
    } finally {
      await Promise.all([one.close(), auto.close()]);
    }
  });

  it('with instances auto on the main thread, opens one instance (runs there cannot go side by side)', async () => {
    const model = await loadModel({ repository: repo.root, name: 'tiny', version: '1', providers: 'cpu', instances: 'auto', thread: 'main' });
    try {
      expect(model.session.sessions).toHaveLength(1);
      expect(model.session.instances[0]).not.toBeInstanceOf(WorkerSession);
    } finally {
      await model.close();
    }
  });

  it('with two instances, gives the same results as one instance', async () => {
    const one = await loadModel({ repository: repo.root, name: 'tiny', version: '1', providers: 'cpu', maxBatchSize: 2 });
    const two = await loadModel({ repository: repo.root, name: 'tiny', version: '1', providers: 'cpu', maxBatchSize: 2, instances: 2, intraOpThreads: 1 });
    try {
      expect(two.session.size).toBe(2);
      const inputs = Array.from(
        { length: 8 },
        (_, k) =>
          new ort.Tensor(
            'float32',
            Float32Array.from({ length: 784 }, (_, i) => ((i * (k + 3)) % 17) / 17),
            [1, 1, 28, 28],
          ),
      );
      const expected = await Promise.all(inputs.map((input) => one.run({ input })));
      const actual = await Promise.all(inputs.map((input) => two.run({ input })));
      actual.forEach((r, k) => {
        const got = Array.from(Object.values(r.outputs)[0].data as Float32Array);
        const want = Array.from(Object.values(expected[k].outputs)[0].data as Float32Array);
        got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
      });
      expect(Math.max(...actual.map((r) => r.batchSize))).toBeLessThanOrEqual(2);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('refuses a config whose input names differ from the model, listing both', async () => {
    await expect(loadModel({ repository: repo.root, name: 'misnamed', providers: 'cpu' })).rejects.toThrow(
      /declares inputs pixels; outputs logits, but the model has inputs input; outputs logits/,
    );
    // Before anything runs the model with the config's names, as choosing instances and threads would.
    await expect(loadModel({ repository: repo.root, name: 'misnamed', providers: 'cpu', instances: 'auto', thread: 'auto', maxBatchSize: 4 })).rejects.toThrow(
      /declares inputs pixels/,
    );
  });
});
