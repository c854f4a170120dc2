import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { BufferPool } from './buffer-pool';
import type { TensorMap } from '../batching/dynamic-batcher';

/** What the serving code needs of a session, whichever thread it runs on. `ort.InferenceSession` satisfies it. */
export interface RunnableSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: TensorMap): Promise<TensorMap>;
  release(): Promise<void>;
}

interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}
type WireTensors = Record<string, WireTensor>;

type WorkerReply =
  | { kind: 'ready'; inputNames: string[]; outputNames: string[] }
  | { kind: 'open-failed'; message: string }
  | { kind: 'result'; id: number; outputs: WireTensors; runMs: number; inputs?: ArrayBuffer[] }
  | { kind: 'run-failed'; id: number; message: string };

/**
 * The worker's whole program. It is plain CommonJS kept in a string (run with `eval: true`) so that it works
 * unchanged from TypeScript sources, from tests and from the bundled `dist/apps/<app>/main.js`, with no extra file
 * to ship; `onnxruntime-node` is loaded from the path the main thread resolved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const toWire = (outputs) => {
  const wire = {};
  const transfer = [];
  for (const [name, t] of Object.entries(outputs)) {
    const whole = t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength;
    const data = whole ? t.data : t.data.slice();
    wire[name] = { type: t.type, data, dims: t.dims };
    transfer.push(data.buffer);
  }
  return { wire, transfer };
};
// onnxruntime's native logger writes to stderr outside the JSON log; failures reach the service as errors anyway.
ort.env.logLevel = 'fatal';
ort.InferenceSession.create(workerData.modelFile, workerData.options).then(
  (session) => {
    parentPort.on('message', async (message) => {
      if (message.kind === 'release') {
        await session.release().catch(() => undefined);
        process.exit(0);
      }
      try {
        const feeds = {};
        for (const [name, t] of Object.entries(message.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
        const started = performance.now();
        const outputs = await session.run(feeds);
        const runMs = performance.now() - started;
        const { wire, transfer } = toWire(outputs);
        // Inputs that were moved here go back with the outputs, for the main thread to reuse.
        const inputs = message.moved ? [...new Set(Object.values(message.feeds).map((t) => t.data.buffer))].filter((b) => b instanceof ArrayBuffer) : undefined;
        if (inputs) transfer.push(...inputs);
        parentPort.postMessage({ kind: 'result', id: message.id, outputs: wire, runMs, inputs }, transfer);
      } catch (error) {
        parentPort.postMessage({ kind: 'run-failed', id: message.id, message: String(error && error.message || error) });
      }
    });
    parentPort.postMessage({ kind: 'ready', inputNames: [...session.inputNames], outputNames: [...session.outputNames] });
  },
  (error) => parentPort.postMessage({ kind: 'open-failed', message: String(error && error.message || error) }),
);
`;

function toWire(feeds: TensorMap): WireTensors {
  return Object.fromEntries(Object.entries(feeds).map(([name, t]) => [name, { type: t.type, data: t.data, dims: t.dims }]));
}

/** The distinct plain ArrayBuffers under `feeds`, each once (a SharedArrayBuffer is shared, never moved). */
function movableBuffers(feeds: TensorMap): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(feeds)) {
    const { buffer } = tensor.data as ArrayBufferView;
    if (buffer instanceof ArrayBuffer) buffers.add(buffer);
  }
  return [...buffers];
}

function fromWire(wire: WireTensors): TensorMap {
  return Object.fromEntries(Object.entries(wire).map(([name, t]) => [name, new ort.Tensor(t.type, t.data as ort.Tensor.DataTypeMap[ort.Tensor.Type], t.dims)]));
}

/**
 * An onnxruntime session that lives on its own worker thread. onnxruntime-node runs `session.run` synchronously on
 * the calling thread, so a session on the main thread stops the event loop for the whole run: no request is parsed,
 * no image decode is started or finished, no health probe is answered meanwhile. Here the main thread only hands
 * the inputs over (copied, or moved with `runMovingInputs`) and gets the outputs back (moved, not copied), and keeps
 * serving while the model runs.
 */
export class WorkerSession implements RunnableSession {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (outputs: TensorMap) => void; reject: (error: Error) => void }>();
  private exitError: Error | undefined;
  private released = false;
  private readonly exitListeners: ((error: Error) => void)[] = [];
  /** session.run time of the latest run, as the worker measured it (without the hand-over there and back). */
  lastRunMs = NaN;

  private constructor(
    private readonly worker: Worker,
    readonly inputNames: readonly string[],
    readonly outputNames: readonly string[],
    private readonly buffers: BufferPool | undefined,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind !== 'result' && reply.kind !== 'run-failed') return;
      const waiter = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'result') {
        if (reply.inputs && this.buffers) for (const buffer of reply.inputs) this.buffers.give(buffer);
        this.lastRunMs = reply.runMs;
        waiter?.resolve(fromWire(reply.outputs));
      } else {
        waiter?.reject(new Error(reply.message));
      }
    });
    const fail = (error: Error) => {
      const first = this.exitError === undefined;
      this.exitError ??= error;
      for (const waiter of this.pending.values()) waiter.reject(this.exitError);
      this.pending.clear();
      if (first && !this.released) for (const listener of this.exitListeners) listener(this.exitError);
    };
    worker.on('error', (error) => fail(new Error(`session worker failed: ${error.message}`)));
    worker.on('exit', (code) => fail(new Error(`session worker exited (code ${code})`)));
  }

  /**
   * Starts a worker and opens `modelFile` there with `options`; rejects with onnxruntime's message if it cannot.
   * Input buffers moved to the worker by `runMovingInputs` come back into `buffers`.
   */
  static open(modelFile: string, options: ort.InferenceSession.SessionOptions, buffers?: BufferPool): Promise<WorkerSession> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ortPath: require.resolve('onnxruntime-node'), modelFile, options },
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`session worker exited (code ${code}) before opening ${modelFile}`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (reply: WorkerReply) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (reply.kind === 'ready') {
          resolve(new WorkerSession(worker, reply.inputNames, reply.outputNames, buffers));
        } else {
          void worker.terminate();
          reject(new Error(reply.kind === 'open-failed' ? reply.message : `unexpected first message from the session worker: ${reply.kind}`));
        }
      });
    });
  }

  /** Told once if the worker dies without being released: every later run fails, so the process cannot serve. */
  onUnexpectedExit(listener: (error: Error) => void): void {
    this.exitListeners.push(listener);
  }

  /** Runs the model on its thread. The inputs are copied there, so the caller keeps them. */
  run(feeds: TensorMap): Promise<TensorMap> {
    return this.post(feeds, false);
  }

  /**
   * Like `run`, but the input buffers are moved to the worker instead of copied: the caller's tensors are left
   * empty, and the buffers come back, after the run, into the session's buffer pool.
   */
  runMovingInputs(feeds: TensorMap): Promise<TensorMap> {
    return this.post(feeds, true);
  }

  private post(feeds: TensorMap, move: boolean): Promise<TensorMap> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const moved = move ? movableBuffers(feeds) : [];
      this.worker.postMessage({ kind: 'run', id, feeds: toWire(feeds), moved: moved.length > 0 }, moved);
    });
  }

  async release(): Promise<void> {
    this.released = true;
    if (this.exitError) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ kind: 'release' });
    await exited;
  }
}
