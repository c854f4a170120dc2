import * as ort from 'onnxruntime-node';
import { firstLine } from './error-message';
import { SessionLoadError } from './session-load-error';

/** `auto` tries CUDA and falls back to CPU; `cpu` and `cuda` force one (a forced CUDA that fails is an error). */
export type ProviderPreference = 'auto' | 'cpu' | 'cuda';
export type ExecutionProvider = 'cuda' | 'cpu';

export interface SessionOptions {
  modelFile: string;
  /** Default `auto`. */
  providers?: ProviderPreference;
  /** onnxruntime intra-op threads; 0 or unset lets onnxruntime choose (one per core). */
  intraOpThreads?: number;
  /** Told why CUDA was skipped when `auto` falls back to CPU. */
  onFallback?: (reason: string) => void;
}

export interface LoadedSession {
  session: ort.InferenceSession;
  /** The provider the session runs on. */
  provider: ExecutionProvider;
  /** Why CUDA is not in use when `auto` was asked for and fell back; undefined otherwise. */
  fallbackReason?: string;
}

async function create(modelFile: string, providers: ExecutionProvider[], intraOpThreads?: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(modelFile, {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    ...(intraOpThreads && intraOpThreads > 0 && { intraOpNumThreads: intraOpThreads }),
  });
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
    return { session: await create(options.modelFile, ['cuda', 'cpu'], options.intraOpThreads), provider: 'cuda' };
  } catch (error) {
    const reason = `CUDA execution provider unavailable (${firstLine(error)}); using CPU`;
    options.onFallback?.(reason);
    return { session: await createOrExplain(options, ['cpu']), provider: 'cpu', fallbackReason: reason };
  }
}

async function createOrExplain(options: SessionOptions, providers: ExecutionProvider[]): Promise<ort.InferenceSession> {
  try {
    return await create(options.modelFile, providers, options.intraOpThreads);
  } catch (error) {
    throw new SessionLoadError(`cannot open ${options.modelFile} on execution provider ${providers.join(',')}: ${firstLine(error)}`, { cause: error });
  }
}
