import { buildMobileNetV2Graph } from '@ai/onnx-builder';
import { writeFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createTempRepository, type TempRepository } from '../models.fixture';
import { BufferPool } from './buffer-pool';
import { WorkerSession } from './worker-session';

describe('WorkerSession', () => {
  let repo: TempRepository;
  let digitsFile: string;
  let heavyFile: string;
  beforeAll(() => {
    repo = createTempRepository();
    digitsFile = `${repo.addDigitsLikeModel('tiny', '1')}/model.onnx`;
    heavyFile = join(repo.root, 'mobilenet.onnx');
    writeFileSync(heavyFile, buildMobileNetV2Graph({ seed: 3 }).serialize());
  });
  afterAll(() => repo.dispose());

  const digitsInput = (rows: number) =>
    new ort.Tensor(
      'float32',
      new Float32Array(rows * 28 * 28).map((_, i) => (i % 29) / 29),
      [rows, 1, 28, 28],
    );

  it('answers exactly what the same model answers on the calling thread', async () => {
    const worker = await WorkerSession.open(digitsFile, {});
    const local = await ort.InferenceSession.create(digitsFile);
    try {
      expect(worker.inputNames).toEqual(local.inputNames);
      expect(worker.outputNames).toEqual(local.outputNames);
      const feeds = { [local.inputNames[0]]: digitsInput(3) };
      const [fromWorker, fromLocal] = await Promise.all([worker.run(feeds), local.run(feeds)]);
      const name = local.outputNames[0];
      expect(fromWorker[name].dims).toEqual(fromLocal[name].dims);
      expect(Array.from(fromWorker[name].data as Float32Array)).toEqual(Array.from(fromLocal[name].data as Float32Array));
      // The inputs were copied, not moved: the caller can still use them.
      expect((feeds[local.inputNames[0]].data as Float32Array).length).toBe(3 * 28 * 28);
    } finally {
      await Promise.all([worker.release(), local.release()]);
    }
  });

  it('moves inputs to the worker when asked, answers the same, and hands the buffers back to its pool', async () => {
    const pool = new BufferPool();
    const worker = await WorkerSession.open(digitsFile, {}, pool);
    try {
      const name = worker.inputNames[0];
      const copied = await worker.run({ [name]: digitsInput(2) });
      const input = digitsInput(2);
      const buffer = (input.data as Float32Array).buffer as ArrayBuffer;
      const moved = await worker.runMovingInputs({ [name]: input });
      const output = worker.outputNames[0];
      expect(Array.from(moved[output].data as Float32Array)).toEqual(Array.from(copied[output].data as Float32Array));
      // Moved, not copied: the caller's buffer is now empty, and an equal one is back in the pool.
      expect(buffer.byteLength).toBe(0);
      expect(pool.held).toBe(2 * 28 * 28 * 4);
      expect(pool.take(2 * 28 * 28 * 4).byteLength).toBe(2 * 28 * 28 * 4);
      expect(pool.held).toBe(0);
    } finally {
      await worker.release();
    }
  });

  it('keeps the event loop free while the model runs', async () => {
    const worker = await WorkerSession.open(heavyFile, {});
    const feeds = { input: new ort.Tensor('float32', new Float32Array(8 * 3 * 224 * 224).fill(0.5), [8, 3, 224, 224]) };
    try {
      await worker.run(feeds);
      let ticks = 0;
      const timer = setInterval(() => (ticks += 1), 1);
      const started = performance.now();
      await worker.run(feeds);
      const runMs = performance.now() - started;
      clearInterval(timer);
      // A batch of 8 ImageNet images takes tens of milliseconds; a session on this thread would allow no tick at all.
      expect(runMs).toBeGreaterThan(20);
      expect(ticks).toBeGreaterThan(runMs / 10);
    } finally {
      await worker.release();
    }
  }, 120_000);

  it("rejects a run with a bad input with onnxruntime's message and keeps serving", async () => {
    const worker = await WorkerSession.open(digitsFile, {});
    try {
      const name = worker.inputNames[0];
      await expect(worker.run({ [name]: new ort.Tensor('float32', new Float32Array(5), [1, 5]) })).rejects.toThrow(/input|dimension|rank/i);
      const ok = await worker.run({ [name]: digitsInput(1) });
      expect(ok[worker.outputNames[0]].dims[0]).toBe(1);
    } finally {
      await worker.release();
    }
  });

  it('fails to open a file that is not a model, and a released session refuses work', async () => {
    await expect(WorkerSession.open(join(repo.root, 'tiny/1/config.json'), {})).rejects.toThrow(/protobuf|parse|load|model/i);
    const worker = await WorkerSession.open(digitsFile, {});
    await worker.release();
    await expect(worker.run({ [worker.inputNames[0]]: digitsInput(1) })).rejects.toThrow(/session worker exited/);
  });

  it('tells its listeners once when the worker dies unexpectedly, and not when released', async () => {
    const dying = await WorkerSession.open(digitsFile, {});
    const deaths: string[] = [];
    dying.onUnexpectedExit((error) => deaths.push(error.message));
    await (dying as unknown as { worker: Worker }).worker.terminate();
    expect(deaths).toEqual([expect.stringMatching(/session worker exited/)]);
    await expect(dying.run({ [dying.inputNames[0]]: digitsInput(1) })).rejects.toThrow(/session worker exited/);

    const released = await WorkerSession.open(digitsFile, {});
    const none: string[] = [];
    released.onUnexpectedExit((error) => none.push(error.message));
    await released.release();
    expect(none).toEqual([]);
  });
});
