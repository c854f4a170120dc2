import * as ort from 'onnxruntime-node';

/** Named input or output tensors, as `session.run` takes and returns them. */
export type TensorMap = Record<string, ort.Tensor>;

/** The typed arrays under batchable tensors. */
export type NumericArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | BigInt64Array;
type NumericArrayConstructor = (new (length: number) => NumericArray) &
  (new (buffer: ArrayBuffer, byteOffset: number, length: number) => NumericArray) & { BYTES_PER_ELEMENT: number };

/**
 * An input that is written into its batch only when the batch is put together: it knows its type and shape and
 * writes its elements into the batch tensor's buffer, so a request can hold a compact form (an image's 8-bit
 * pixels, say) and become model values once, straight in place, with no tensor of its own to allocate and copy.
 */
export interface DeferredTensor {
  readonly type: ort.Tensor.Type;
  readonly dims: readonly number[];
  /** Writes this input's dims[0] rows into `target`, starting at element `offset`. */
  writeTo(target: NumericArray, offset: number): void;
}

/** What a request submits: each model input as a tensor or as a {@link DeferredTensor}. */
export type BatchFeeds = Record<string, ort.Tensor | DeferredTensor>;

/** What one request gets back: its own rows of every output, and how it was served. */
export interface BatchedResult {
  outputs: TensorMap;
  /** Rows in the `session.run` this request was part of. */
  batchSize: number;
  /** Time from submit until its batch was taken from the queue. */
  queueMs: number;
  /** Time to build the batch's input tensors (copies, and deferred inputs written), before the run. */
  assemblyMs: number;
  /** `session.run` time of the whole batch, with the hand-over to the instance's thread and back. */
  inferenceMs: number;
}

/** How the batcher hands a batch to `run`. */
export interface BatchRunInfo {
  /**
   * The feeds were built by the batcher into buffers of its own that nobody else holds: `run` may move them to
   * another thread instead of copying them (see `WorkerSession.runMovingInputs`).
   */
  owned: boolean;
  /** Nothing else is queued, announced or running: this batch has the instances to itself. */
  alone: boolean;
}

export interface DynamicBatcherOptions {
  /** Runs one batch: usually `(feeds, info) => pool.runBatch(feeds, info)` (see {@link BatchRunInfo}). */
  run: (feeds: TensorMap, info: BatchRunInfo) => Promise<TensorMap>;
  /** Most rows in one run; 1 turns batching off (requests still run one batch-of-one at a time, in order). */
  maxBatchSize: number;
  /**
   * How long the oldest waiting request may wait for others to join its batch. Default 0. A request that finds an
   * instance idle and nothing else on its way (see {@link DynamicBatcher.expect}) starts at once instead.
   */
  maxBatchDelayMs?: number;
  /**
   * Batches running at once. Default 1: a batch forms while the previous one runs, and on CPU concurrent runs would
   * only compete for the same cores (each run already uses every intra-op thread), as with one Triton instance.
   */
  maxConcurrentBatches?: number;
  /**
   * Buffers for the batch tensors the batcher builds; default a fresh ArrayBuffer each time. A pool that gets
   * buffers back from the session's thread saves allocating (and page-faulting) megabytes per batch.
   */
  allocate?: (bytes: number) => ArrayBuffer;
  /** Called after every run, for metrics. */
  onBatch?: (batchSize: number, inferenceMs: number) => void;
}

interface Pending {
  feeds: BatchFeeds;
  rows: number;
  key: string;
  enqueuedAt: number;
  resolve: (result: BatchedResult) => void;
  reject: (error: unknown) => void;
}

/**
 * A request announced to the batcher before it can be submitted (while its image is decoded, say): while any is
 * outstanding, an idle instance waits for it (up to the batch delay) rather than starting a batch without it.
 */
export interface ExpectedRequest {
  /** Submits the announced request; the announcement ends. */
  submit(feeds: BatchFeeds): Promise<BatchedResult>;
  /** Withdraws the announcement (the request failed before it could be submitted). Idempotent. */
  cancel(): void;
}

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
} as Partial<Record<ort.Tensor.Type, NumericArrayConstructor>>;

function arrayType(type: ort.Tensor.Type): NumericArrayConstructor {
  const Ctor = ARRAY_TYPES[type];
  if (!Ctor) throw new Error(`tensors of type ${type} cannot be batched`);
  return Ctor;
}

function allocate(type: ort.Tensor.Type, length: number): NumericArray {
  return new (arrayType(type))(length);
}

const isTensor = (input: ort.Tensor | DeferredTensor): input is ort.Tensor => input instanceof ort.Tensor;

/**
 * Triton-style dynamic batcher: concurrent requests are concatenated along dimension 0 into one `session.run` of up
 * to `maxBatchSize` rows, and the outputs are split back by rows. Only requests whose non-batch dimensions and types
 * agree share a batch.
 *
 * When to start a batch: at once when it is full; at once when an instance is idle and no other request is on its
 * way (none queued behind it with the same shape and none announced with {@link expect}), as Triton starts a lone
 * request without waiting; otherwise after the oldest request has waited `maxBatchDelayMs`. "At once" is at the end
 * of the current turn of the event loop, so requests submitted together still share a batch.
 */
export class DynamicBatcher {
  private readonly queue: Pending[] = [];
  private running = 0;
  /** Requests announced with expect() and not yet submitted or cancelled. */
  private expected = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  private readonly maxBatchSize: number;
  private readonly maxDelayMs: number;
  private readonly maxConcurrent: number;

  constructor(private readonly options: DynamicBatcherOptions) {
    if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1)
      throw new Error(`maxBatchSize must be a positive integer, got ${options.maxBatchSize}`);
    this.maxBatchSize = options.maxBatchSize;
    this.maxDelayMs = Math.max(0, options.maxBatchDelayMs ?? 0);
    this.maxConcurrent = Math.max(1, options.maxConcurrentBatches ?? 1);
  }

  get enabled(): boolean {
    return this.maxBatchSize > 1;
  }

  /** Most rows in one run. */
  get batchLimit(): number {
    return this.maxBatchSize;
  }

  /** Requests waiting for a batch. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs `feeds` (every input with the same number of rows in dimension 0), batched with concurrent requests. */
  submit(feeds: BatchFeeds): Promise<BatchedResult> {
    const inputs = Object.values(feeds);
    if (inputs.length === 0) return Promise.reject(new Error('no input tensors'));
    const rows = inputs[0].dims[0] ?? 1;
    const key = Object.entries(feeds)
      .map(([name, t]) => `${name}:${t.type}:${t.dims.slice(1).join('x')}`)
      .sort()
      .join('|');
    return new Promise<BatchedResult>((resolve, reject) => {
      this.queue.push({ feeds, rows, key, enqueuedAt: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /**
   * Announces a request that will be submitted soon (its input is being prepared), so that an idle instance waits
   * for it to join the batch, up to the batch delay, instead of starting without it.
   */
  expect(): ExpectedRequest {
    this.expected += 1;
    let open = true;
    const end = () => {
      if (!open) return false;
      open = false;
      this.expected -= 1;
      return true;
    };
    return {
      submit: (feeds) => {
        end();
        return this.submit(feeds);
      },
      cancel: () => {
        // Nothing more is on its way: a batch held for this request may start now.
        if (end()) this.schedule();
      },
    };
  }

  /** Resolves once nothing is queued or running (used while draining). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running >= this.maxConcurrent || this.queue.length === 0) return;
    const head = this.queue[0];
    let readyRows = 0;
    for (const p of this.queue) if (p.key === head.key) readyRows += p.rows;
    const waited = performance.now() - head.enqueuedAt;
    if (readyRows >= this.maxBatchSize || waited >= this.maxDelayMs) {
      this.start();
      return;
    }
    // An idle instance and nothing more on its way: waiting could only add latency. Others of a different shape
    // in the queue cannot join this batch either.
    if (this.expected === 0) {
      this.immediate ??= setImmediate(() => {
        this.immediate = undefined;
        if (this.running < this.maxConcurrent && this.queue.length > 0 && (this.expected === 0 || this.headWaited() >= this.maxDelayMs)) this.start();
        else this.schedule();
      });
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.schedule();
    }, this.maxDelayMs - waited);
  }

  private headWaited(): number {
    return performance.now() - this.queue[0].enqueuedAt;
  }

  private start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
    void this.dispatch();
    // Another idle instance may take the next batch at once.
    this.schedule();
  }

  /** Takes the head request and every later one with the same shape key, up to maxBatchSize rows. */
  private takeBatch(): Pending[] {
    const key = this.queue[0].key;
    const batch: Pending[] = [];
    let rows = 0;
    for (let i = 0; i < this.queue.length;) {
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
      // A lone request made only of tensors runs on them as they are (they are the caller's, so they are copied to
      // another thread, not moved); anything else is built into buffers of the batcher's own.
      const asIs = batch.length === 1 && Object.values(batch[0].feeds).every(isTensor);
      const feeds = asIs
        ? (batch[0].feeds as TensorMap)
        : this.concatFeeds(
            batch.map((p) => p.feeds),
            totalRows,
          );
      const built = performance.now();
      const alone = this.queue.length === 0 && this.expected === 0 && this.running === 1;
      const outputs = await this.options.run(feeds, { owned: !asIs, alone });
      const inferenceMs = performance.now() - built;
      this.options.onBatch?.(totalRows, inferenceMs);
      let offset = 0;
      for (const p of batch) {
        const own = batch.length === 1 ? outputs : sliceRows(outputs, offset, p.rows, totalRows);
        offset += p.rows;
        p.resolve({ outputs: own, batchSize: totalRows, queueMs: started - p.enqueuedAt, assemblyMs: built - started, inferenceMs });
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      this.running -= 1;
      this.schedule();
      this.notifyIdle();
    }
  }

  private concatFeeds(parts: BatchFeeds[], totalRows: number): TensorMap {
    const feeds: TensorMap = {};
    for (const name of Object.keys(parts[0])) {
      const first = parts[0][name];
      const Ctor = arrayType(first.type);
      const length = parts.reduce((n, p) => n + elementCount(p[name].dims), 0);
      const data = this.options.allocate ? new Ctor(this.options.allocate(length * Ctor.BYTES_PER_ELEMENT), 0, length) : new Ctor(length);
      let offset = 0;
      for (const part of parts) {
        const input = part[name];
        if (isTensor(input)) (data as Float32Array).set(input.data as Float32Array, offset);
        else input.writeTo(data, offset);
        offset += elementCount(input.dims);
      }
      feeds[name] = new ort.Tensor(first.type, data as ort.Tensor.DataTypeMap[ort.Tensor.Type], [totalRows, ...first.dims.slice(1)]);
    }
    return feeds;
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
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
