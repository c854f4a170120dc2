import * as ort from 'onnxruntime-node';
import type { BufferPool } from './buffer-pool';
import { firstLine, SessionLoadError } from '../errors';
import { WorkerSession, type RunnableSession } from './worker-session';

/** `auto` tries CUDA and falls back to CPU; `cpu` and `cuda` force one (a forced CUDA that fails is an error). */
export type ProviderPreference = 'auto' | 'cpu' | 'cuda';
export type ExecutionProvider = 'cuda' | 'cpu';

export interface SessionOptions {
  modelFile: string;
  /** Default `auto`. */
  providers?: ProviderPreference;
  /** onnxruntime intra-op threads; 0 or unset lets onnxruntime choose (one per core). */
  intraOpThreads?: number;
  /**
   * Whether idle intra-op threads busy-wait for the next operator (onnxruntime's default). Default false: a serving
   * process shares its cores with HTTP handling and image decoding, and spinning threads take those cores away.
   */
  allowSpinning?: boolean;
  /**
   * Where `session.run` executes. `worker` (default): on a worker thread of its own, so the event loop keeps serving
   * while the model runs (onnxruntime-node runs synchronously on the calling thread). `main`: on the calling thread,
   * for callers whose runs are too short to pay for a thread hop.
   */
  thread?: 'worker' | 'main';
  /** Told why CUDA was skipped when `auto` falls back to CPU. */
  onFallback?: (reason: string) => void;
  /** Where a worker-thread session returns the input buffers moved to it (see {@link WorkerSession.runMovingInputs}). */
  buffers?: BufferPool;
}

export interface LoadedSession {
  session: RunnableSession;
  /** The provider the session runs on. */
  provider: ExecutionProvider;
  /** Why CUDA is not in use when `auto` was asked for and fell back; undefined otherwise. */
  fallbackReason?: string;
}

async function create(options: SessionOptions, providers: ExecutionProvider[]): Promise<RunnableSession> {
  // onnxruntime's native logger writes to stderr outside the JSON log (one raw line per session when CUDA cannot
  // load); every failure also reaches the service as an error, which it logs as JSON.
  ort.env.logLevel = 'fatal';
  const { modelFile, intraOpThreads, allowSpinning = false, thread = 'worker' } = options;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    ...(intraOpThreads && intraOpThreads > 0 && { intraOpNumThreads: intraOpThreads }),
    extra: { session: { intra_op: { allow_spinning: allowSpinning ? '1' : '0' } } },
  };
  return thread === 'worker' ? WorkerSession.open(modelFile, sessionOptions, options.buffers) : ort.InferenceSession.create(modelFile, sessionOptions);
}

/**
 * Opens an onnxruntime session on the best available provider. onnxruntime-node does not fall back by itself:
 * a session asked for `['cuda', 'cpu']` throws when the CUDA libraries are missing, so `auto` catches that and
 * retries on CPU, reporting why.
 */
export async function createInferenceSession(options: SessionOptions): Promise<LoadedSession> {
  const preference = options.providers ?? 'auto';
  if (preference === 'cpu') return { session: await createOrExplain(options, ['cpu']), provider: 'cpu' };
  if (preference === 'cuda') return { session: await createOrExplain(options, ['cuda']), provider: 'cuda' };
  try {
    return { session: await create(options, ['cuda', 'cpu']), provider: 'cuda' };
  } catch (error) {
    const reason = `CUDA execution provider unavailable (${firstLine(error)}); using CPU`;
    options.onFallback?.(reason);
    return { session: await createOrExplain(options, ['cpu']), provider: 'cpu', fallbackReason: reason };
  }
}

async function createOrExplain(options: SessionOptions, providers: ExecutionProvider[]): Promise<RunnableSession> {
  try {
    return await create(options, providers);
  } catch (error) {
    throw new SessionLoadError(`cannot open ${options.modelFile} on execution provider ${providers.join(',')}: ${firstLine(error)}`, { cause: error });
  }
}
