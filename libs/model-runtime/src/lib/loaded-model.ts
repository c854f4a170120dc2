import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import type { ModelConfig, TensorSpec } from '@ai/contracts';
import { BufferPool } from './sessions/buffer-pool';
import { DynamicBatcher, type BatchedResult, type BatchFeeds, type TensorMap } from './batching/dynamic-batcher';
import { ModelRepositoryError } from './errors';
import { autoCompleteModelVersion } from './repository/model-auto-complete';
import type { ModelLocation, ModelVersion } from './repository/model-repository';
import { createInferenceSession, type ExecutionProvider, type ProviderPreference, type SessionOptions } from './sessions/session-factory';
import { SessionPool } from './sessions/session-pool';
import { onSimulatedDevice, type SimulatedDevice } from './sessions/simulated-device';
import { usableCores } from './sessions/usable-cores';
import { WorkerSession, type RunnableSession } from './sessions/worker-session';

export interface LoadModelOptions extends ModelLocation {
  /** The version already resolved (e.g. to choose routes by task first); otherwise the location is auto-completed. */
  resolved?: ModelVersion;
  /** Default `auto` (CUDA when it loads, CPU otherwise). */
  providers?: ProviderPreference;
  /** onnxruntime intra-op threads; unset lets onnxruntime choose. */
  intraOpThreads?: number;
  /**
   * Whether idle intra-op threads busy-wait (onnxruntime's default), see {@link SessionOptions}. `auto`: only in the
   * solo instance of `instances: 'auto'`, which runs a request only when nothing else runs, so its spinning takes no
   * core other work needs and saves the wake-up of its threads at every operator. Default false.
   */
  allowSpinning?: boolean | 'auto';
  /**
   * Where session.run executes: `worker` (default) or `main`, see {@link SessionOptions}; or `auto`: on a worker
   * thread, unless the model (one instance, on the CPU) runs so fast that the hand-over to a worker and back would
   * cost more than the run (see {@link MAIN_THREAD_RUN_MS}). It then runs on the main thread, with one intra-op
   * thread unless `intraOpThreads` says otherwise.
   */
  thread?: SessionOptions['thread'] | 'auto';
  /**
   * Instances of the model that run batches side by side (Triton's instance group); default 1. Each opens its own
   * session with `intraOpThreads` threads; unset or 0 with several instances gives each an equal share of the cores.
   * `auto`, on a CPU of two cores or more: one instance per core (at most {@link AUTO_MAX_INSTANCES}) of one core's
   * threads each, for runs side by side, and one more of every core for a run that has the machine to itself (see
   * {@link SessionPool}'s `solo`): a copy of the weights per instance. One instance of every core on a GPU, on a
   * single core, or for a model over {@link AUTO_SIDE_BY_SIDE_MAX_BYTES}.
   */
  instances?: number | 'auto';
  /** Dynamic batching: most rows per run, capped by the model's own maxBatchSize; 1 (default) turns it off. */
  maxBatchSize?: number;
  /** Dynamic batching: longest wait for a batch to fill. Default 2 ms. */
  maxBatchDelayMs?: number;
  /** Hold every batch as an accelerator would (see {@link SimulatedDevice}); off when unset. */
  simulatedDevice?: SimulatedDevice;
  /** Told why CUDA was skipped. */
  onFallback?: (reason: string) => void;
  /** Called after every session.run with its batch size and duration. */
  onBatch?: (batchSize: number, inferenceMs: number) => void;
}

/** A model version opened on onnxruntime, warmed up, behind its dynamic batcher. */
export interface LoadedModel {
  version: ModelVersion;
  config: ModelConfig;
  /** All instances behind one `run`. */
  session: SessionPool;
  provider: ExecutionProvider;
  fallbackReason?: string;
  /** Which sessions let idle intra-op threads busy-wait: every one, only the solo instance (see `allowSpinning`), none. */
  spinning: 'all' | 'solo' | 'none';
  /** Time to open the session and run the warm-up, in seconds. */
  loadSeconds: number;
  batcher: DynamicBatcher;
  /** Runs `feeds` through the batcher. */
  run(feeds: BatchFeeds): Promise<BatchedResult>;
  /** A zero-filled input of `rows` rows for every model input (dynamic non-batch dimensions become 1). */
  zeroFeeds(rows: number): TensorMap;
  /** Waits for queued and running batches, then releases the session. */
  close(): Promise<void>;
}

function zeroTensor(spec: TensorSpec, rows: number): ort.Tensor {
  const dims = spec.shape.map((d, i) => (i === 0 ? rows : d < 0 ? 1 : d));
  const size = dims.reduce((n, d) => n * d, 1);
  switch (spec.dtype) {
    case 'float32':
      return new ort.Tensor('float32', new Float32Array(size), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(size), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(size), dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(size), dims);
  }
}

/**
 * With `thread: 'auto'`, a model whose batch-1 run takes less than this (and whose largest batch takes less than
 * four times this) runs on the main thread. A worker's round trip (a message each way, each waking a thread)
 * costs about 0.1 ms on an idle machine and far more on a busy one; blocking the event loop for a run this short
 * costs less.
 */
export const MAIN_THREAD_RUN_MS = 0.5;

/** Most side-by-side instances `instances: 'auto'` opens (beside the solo one): each is a copy of the weights. */
export const AUTO_MAX_INSTANCES = 4;

/**
 * Largest model file `instances: 'auto'` runs as side-by-side instances; a larger one runs as one instance of every
 * core. A large model's runs are bound by memory bandwidth rather than by the cores, and copies of its weights
 * streaming side by side only share the same bandwidth: on the 2-core development machine ResNet-50 (100 MB) and
 * AlexNet (240 MB) gained nothing measurable from them; MobileNetV2 (14 MB) served 8 to 58% more requests per
 * second in three bench runs of four.
 */
export const AUTO_SIDE_BY_SIDE_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Whether `thread: 'auto'` should move the model to the main thread: on the CPU, on a worker (so its runs can be
 * timed without the hand-over), and fast enough (see {@link MAIN_THREAD_RUN_MS}).
 */
async function runsFasterOnMainThread(
  opened: { session: RunnableSession; provider: ExecutionProvider },
  asked: boolean,
  feeds: (rows: number) => TensorMap,
  maxBatchSize: number,
): Promise<boolean> {
  if (!asked || opened.provider !== 'cpu' || !(opened.session instanceof WorkerSession)) return false;
  await opened.session.run(feeds(1));
  const runMs = await workerRunMs(opened.session, feeds, maxBatchSize);
  return runMs.batch1 < MAIN_THREAD_RUN_MS && runMs.largest < 4 * MAIN_THREAD_RUN_MS;
}

/** Times batch-1 and largest-batch runs as the worker measures them: the median of a few runs each. */
async function workerRunMs(session: WorkerSession, feeds: (rows: number) => TensorMap, maxBatchSize: number): Promise<{ batch1: number; largest: number }> {
  const time = async (rows: number, runs: number) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      await session.run(feeds(rows));
      times.push(session.lastRunMs);
    }
    return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
  };
  const batch1 = await time(1, 5);
  return { batch1, largest: maxBatchSize > 1 && batch1 < MAIN_THREAD_RUN_MS ? await time(maxBatchSize, 3) : batch1 };
}

/**
 * Resolves a model version in the repository, opens it on the best provider, checks that the model's inputs match
 * its config, and warms it up (a first run at batch 1 and at the largest batch) so the first request is not slow.
 */
export async function loadModel(options: LoadModelOptions): Promise<LoadedModel> {
  const started = performance.now();
  const version = options.resolved ?? (await autoCompleteModelVersion(options));
  const { config } = version;
  // Explicit instance counts keep dividing the cores as they always did; `auto` also heeds a container's CPU limit.
  const auto = options.instances === 'auto';
  const cores = auto ? usableCores() : availableParallelism();
  const instances = auto ? Math.min(cores, AUTO_MAX_INSTANCES) : Math.max(1, Number(options.instances ?? 1));
  // onnxruntime alone would give every instance every core.
  const intraOpThreads = options.intraOpThreads || (instances > 1 ? Math.max(1, Math.floor(cores / instances)) : undefined);
  // Batch tensors are built here and moved to the instances' threads, which hand the buffers back after each run.
  const buffers = new BufferPool(instances + 2);
  const defaultThread: SessionOptions['thread'] = options.thread === 'main' ? 'main' : 'worker';
  const spinning = options.allowSpinning === true;
  const open = (provider?: ProviderPreference, how: { thread?: SessionOptions['thread']; threads?: number; spin?: boolean } = { threads: intraOpThreads }) =>
    createInferenceSession({
      buffers,
      modelFile: version.modelFile,
      providers: provider ?? options.providers,
      // Unset: onnxruntime's own choice (one thread per core, pinned).
      intraOpThreads: how.threads,
      allowSpinning: how.spin ?? spinning,
      thread: how.thread ?? defaultThread,
      onFallback: options.onFallback,
    });
  // With `auto`, the first session is the one of every core (the solo one, or the only one on a GPU). Unless a
  // CPU limit leaves fewer cores, onnxruntime picks its threads itself, as for one instance (and pins them).
  const soloThreads = options.intraOpThreads || (cores < availableParallelism() ? cores : undefined);
  const opened = await (auto ? open(undefined, { threads: soloThreads }) : open());
  const mismatch =
    config.inputs.map((s) => s.name).find((name) => !opened.session.inputNames.includes(name)) !== undefined ||
    config.outputs.map((s) => s.name).find((name) => !opened.session.outputNames.includes(name)) !== undefined;
  if (mismatch) {
    const declared = `inputs ${config.inputs.map((s) => s.name).join(', ')}; outputs ${config.outputs.map((s) => s.name).join(', ')}`;
    const actual = `inputs ${opened.session.inputNames.join(', ')}; outputs ${opened.session.outputNames.join(', ')}`;
    await opened.session.release();
    throw new ModelRepositoryError(`${version.dir}/config.json declares ${declared}, but the model has ${actual}`, version.dir, 'invalid_config');
  }
  const maxBatchSize = Math.max(1, Math.min(options.maxBatchSize ?? 1, config.maxBatchSize));
  const zeroFeeds = (rows: number): TensorMap => Object.fromEntries(config.inputs.map((spec) => [spec.name, zeroTensor(spec, rows)]));
  let session = new SessionPool([opened.session]);
  const onMainThread = await runsFasterOnMainThread(opened, options.thread === 'auto' && (auto || instances === 1), zeroFeeds, maxBatchSize);
  if (onMainThread) {
    // Small ops gain nothing from a second intra-op thread but the wake-up it costs.
    const main = await open(opened.provider, { thread: 'main', threads: options.intraOpThreads || 1 });
    await session.release();
    session = new SessionPool([main.session]);
  } else if (
    auto &&
    opened.session instanceof WorkerSession &&
    opened.provider === 'cpu' &&
    cores >= 2 &&
    statSync(version.modelFile).size <= AUTO_SIDE_BY_SIDE_MAX_BYTES
  ) {
    // (Sessions on the main thread could not run side by side: `auto` is one instance there.)
    // The others go straight to the provider the first one got, so a fallback is tried and logged once.
    const narrow = await Promise.all(Array.from({ length: instances }, () => open(opened.provider)));
    let solo: RunnableSession = opened.session;
    if (options.allowSpinning === 'auto') {
      // The same session of every core, spinning: it runs only alone (see SessionPool).
      solo = (await open(opened.provider, { threads: soloThreads, spin: true })).session;
      await opened.session.release();
    }
    session = new SessionPool(
      narrow.map((o) => o.session),
      { solo },
    );
  } else if (!auto && instances > 1) {
    const others = await Promise.all(Array.from({ length: instances - 1 }, () => open(opened.provider)));
    session = new SessionPool([opened.session, ...others.map((o) => o.session)]);
  }
  // Every instance is warmed up, each run directly on it.
  const warmUp = (rows: number) => Promise.all(session.sessions.map((instance) => instance.run(zeroFeeds(rows))));
  await warmUp(1);
  if (maxBatchSize > 1) await warmUp(maxBatchSize);
  const batcher = new DynamicBatcher({
    run: onSimulatedDevice((feeds, info) => session.runBatch(feeds, info), options.simulatedDevice),
    allocate: (bytes) => buffers.take(bytes),
    maxBatchSize,
    maxBatchDelayMs: options.maxBatchDelayMs ?? 2,
    // One batch per instance: a batch forms while the instances are busy.
    maxConcurrentBatches: session.size,
    onBatch: options.onBatch,
  });

  return {
    version,
    config,
    session,
    provider: opened.provider,
    fallbackReason: opened.fallbackReason,
    // Only the side-by-side pool has a solo instance beside its others.
    spinning: spinning ? 'all' : options.allowSpinning === 'auto' && session.sessions.length > session.size ? 'solo' : 'none',
    loadSeconds: (performance.now() - started) / 1000,
    batcher,
    run: (feeds) => batcher.submit(feeds),
    zeroFeeds,
    async close() {
      await batcher.idle();
      await session.release();
    },
  };
}
