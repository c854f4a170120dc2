import * as ort from 'onnxruntime-node';
import { SeededRandom } from '@ai/seeded-random';
import { tinyConvClassifier } from '../models.fixture';
import { DynamicBatcher, type TensorMap } from '../batching/dynamic-batcher';
import { onSimulatedDevice } from './simulated-device';

const image = (rng: SeededRandom) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: 784 }, () => rng.next()),
    [1, 1, 28, 28],
  );

describe('simulated device', () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(tinyConvClassifier(7), { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  });
  afterAll(() => session.release());
  const run = (feeds: TensorMap) => session.run(feeds);

  it('holds each batch for per-batch + per-item × rows, one batch at a time, without spending the time on a CPU', async () => {
    const batches: number[] = [];
    const batcher = new DynamicBatcher({
      run: onSimulatedDevice(run, { perBatchMs: 40, perItemMs: 15 }),
      maxBatchSize: 4,
      maxBatchDelayMs: 1,
      onBatch: (size) => batches.push(size),
    });
    const rng = new SeededRandom(3);
    const inputs = Array.from({ length: 16 }, () => image(rng));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const results = await Promise.all(inputs.map((input) => batcher.submit({ input })));
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    // Four batches of four, in series: 4 × (40 + 4 × 15) = 400 ms at least.
    expect(batches).toEqual([4, 4, 4, 4]);
    expect(wallMs).toBeGreaterThanOrEqual(395);
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(wallMs / 2);
    // The answers are the real model's.
    const alone = await session.run({ input: inputs[5] });
    expect(Array.from(results[5].outputs.logits.data as Float32Array)).toEqual(Array.from(alone.logits.data as Float32Array).map((v) => expect.closeTo(v, 5)));
  });

  it('is the plain run when unset or zero', () => {
    expect(onSimulatedDevice(run, undefined)).toBe(run);
    expect(onSimulatedDevice(run, { perBatchMs: 0, perItemMs: 0 })).toBe(run);
  });
});
