import * as ort from 'onnxruntime-node';

/** Named input or output tensors, as `session.run` takes and returns them. */
export type TensorMap = Record<string, ort.Tensor>;

/** What one request gets back: its own rows of every output, and how it was served. */
export interface BatchedResult {
  outputs: TensorMap;
  /** Rows in the `session.run` this request was part of. */
  batchSize: number;
  /** Time from submit until its batch started running. */
  queueMs: number;
  /** `session.run` time of the whole batch. */
  inferenceMs: number;
}

export interface DynamicBatcherOptions {
  /** Runs one batch: usually `(feeds) => session.run(feeds)`. */
  run: (feeds: TensorMap) => Promise<TensorMap>;
  /** Most rows in one run; 1 turns batching off (requests still run one batch-of-one at a time, in order). */
  maxBatchSize: number;
  /** How long the oldest waiting request may wait for others to join its batch. Default 0. */
  maxBatchDelayMs?: number;
  /**
   * Batches running at once. Default 1: a batch forms while the previous one runs, and on CPU concurrent runs would
   * only compete for the same cores (each run already uses every intra-op thread), as with one Triton instance.
   */
  maxConcurrentBatches?: number;
  /** Called after every run, for metrics. */
  onBatch?: (batchSize: number, inferenceMs: number) => void;
}

interface Pending {
  feeds: TensorMap;
  rows: number;
  key: string;
  enqueuedAt: number;
  resolve: (result: BatchedResult) => void;
  reject: (error: unknown) => void;
}

type NumericArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | BigInt64Array;
type NumericArrayConstructor = new (length: number) => NumericArray;

/** Typed-array constructors by tensor type, for the concatenated inputs and the per-request output slices. */
const ARRAY_TYPES: Partial<Record<ort.Tensor.Type, NumericArrayConstructor>> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  int64: BigInt64Array,
  bool: Uint8Array,
};

function allocate(type: ort.Tensor.Type, length: number): NumericArray {
  const Ctor = ARRAY_TYPES[type];
  if (!Ctor) throw new Error(`tensors of type ${type} cannot be batched`);
  return new Ctor(length);
}

/**
 * Triton-style dynamic batcher: concurrent requests are concatenated along dimension 0 into one `session.run` of up
 * to `maxBatchSize` rows, waiting at most `maxBatchDelayMs` after the oldest request arrived, and the outputs are
 * split back by rows. Only requests whose non-batch dimensions and types agree share a batch.
 */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatchSize: number;
  private readonly maxDelayMs: number;
  private readonly maxConcurrent: number;

  constructor(private readonly options: DynamicBatcherOptions) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) throw new Error(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    this.maxBatchSize = options.maxBatchSize;
    this.maxDelayMs = Math.max(0, options.maxBatchDelayMs ?? 0);
    this.maxConcurrent = Math.max(1, options.maxConcurrentBatches ?? 1);
  }

  get enabled(): boolean {
    return this.maxBatchSize > 1;
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs `feeds` (every tensor with the same number of rows in dimension 0), batched with concurrent requests. */
  submit(feeds: TensorMap): Promise<BatchedResult> {
    const tensors = Object.values(feeds);
    if (tensors.length === 0) return Promise.reject(new Error('no input tensors'));
    const rows = tensors[0].dims[0] ?? 1;
    const key = Object.entries(feeds)
      .map(([name, t]) => `${name}:${t.type}:${t.dims.slice(1).join('x')}`)
      .sort()
      .join('|');
    return new Promise<BatchedResult>((resolve, reject) => {
      this.queue.push({ feeds, rows, key, enqueuedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running (used while draining). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running >= this.maxConcurrent || this.queue.length === 0) return;
    const head = this.queue[0];
    const readyRows = this.queue.reduce((sum, p) => (p.key === head.key ? sum + p.rows : sum), 0);
    const waited = performance.now() - head.enqueuedAt;
    if (readyRows >= this.maxBatchSize || waited >= this.maxDelayMs) {
      this.clearTimer();
      void this.dispatch();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, this.maxDelayMs - waited);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Takes the head request and every later one with the same shape key, up to maxBatchSize rows. */
  private takeBatch(): Pending[] {
    const key = this.queue[0].key;
    const batch: Pending[] = [];
    let rows = 0;
    for (let i = 0; i < this.queue.length; ) {
      const p = this.queue[i];
      if (p.key === key && (batch.length === 0 || rows + p.rows <= this.maxBatchSize)) {
        batch.push(p);
        rows += p.rows;
        this.queue.splice(i, 1);
        if (rows >= this.maxBatchSize) break;
      } else {
        i += 1;
      }
    }
    return batch;
  }

  private async dispatch(): Promise<void> {
    const batch = this.takeBatch();
    this.running += 1;
    const started = performance.now();
    try {
      const totalRows = batch.reduce((sum, p) => sum + p.rows, 0);
      const feeds = batch.length === 1 ? batch[0].feeds : concatFeeds(batch.map((p) => p.feeds), totalRows);
      const outputs = await this.options.run(feeds);
      const inferenceMs = performance.now() - started;
      this.options.onBatch?.(totalRows, inferenceMs);
      let offset = 0;
      for (const p of batch) {
        const own = batch.length === 1 ? outputs : sliceRows(outputs, offset, p.rows, totalRows);
        offset += p.rows;
        p.resolve({ outputs: own, batchSize: totalRows, queueMs: started - p.enqueuedAt, inferenceMs });
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.running -= 1;
      this.schedule();
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function concatFeeds(parts: TensorMap[], totalRows: number): TensorMap {
  const feeds: TensorMap = {};
  for (const name of Object.keys(parts[0])) {
    const first = parts[0][name];
    const data = allocate(first.type, parts.reduce((n, p) => n + p[name].data.length, 0));
    let offset = 0;
    for (const part of parts) {
      (data as Float32Array).set(part[name].data as Float32Array, offset);
      offset += part[name].data.length;
    }
    feeds[name] = new ort.Tensor(first.type, data as ort.Tensor.DataTypeMap[ort.Tensor.Type], [totalRows, ...first.dims.slice(1)]);
  }
  return feeds;
}

/** Rows [start, start + rows) of every output whose dimension 0 is the batch; other outputs are shared whole. */
function sliceRows(outputs: TensorMap, start: number, rows: number, totalRows: number): TensorMap {
  const own: TensorMap = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== totalRows) {
      own[name] = tensor;
      continue;
    }
    const rowSize = tensor.data.length / totalRows;
    const data = allocate(tensor.type, rows * rowSize);
    (data as Float32Array).set((tensor.data as Float32Array).subarray(start * rowSize, (start + rows) * rowSize));
    own[name] = new ort.Tensor(tensor.type, data as ort.Tensor.DataTypeMap[ort.Tensor.Type], [rows, ...tensor.dims.slice(1)]);
  }
  return own;
}
