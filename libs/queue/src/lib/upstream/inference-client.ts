import type { InferenceTimings } from '@ai/contracts';
import { HttpClient, HttpTimeout, isRetryableStatus, toRequestId, type HttpAnswer } from '@ai/http-client';
import type { InferenceTask } from '../jobs/job-types';
import { QUEUE_DEFAULTS } from '../queue-defaults';

/** The inference endpoint for each kind of input. */
export const TASK_PATHS: Record<InferenceTask, string> = { infer: '/infer', predict: '/predict', generate: '/generate' };

export interface InferenceClientOptions {
  /**
   * Base URLs of the model's inference service. Usually one (a Kubernetes Service that balances itself);
   * with several, calls go round-robin, which lets a single dispatcher spread over replicas without a
   * balancer in front (used locally and in tests). A function is asked on every call: the live members of a
   * replica registry (see ReplicaWatcher), which may be empty while no replica is up.
   */
  urls: string[] | (() => readonly string[]);
  /** Per-call timeout, ms. Default QUEUE_DEFAULTS.upstreamTimeoutMs. */
  timeoutMs?: number;
}

export interface InferenceCallResult {
  output: unknown;
  inferenceMs: number;
  upstream: string;
  server?: InferenceTimings;
}

/**
 * A failed call to the inference service. `status` is the HTTP status it answered with, undefined when no answer
 * came back (timeout, refused or reset connection); `retryable` is isRetryableStatus's verdict, always true
 * without an answer. The worker turns a non-retryable one into a failure at once and keeps the status on the job.
 */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'UpstreamError';
  }
}

/** One keep-alive pool for every model's calls in this process. */
const http = new HttpClient();

/** Calls one model's inference service and classifies failures as retryable or unrecoverable. */
export class InferenceClient {
  private readonly urls: () => readonly string[];
  private readonly timeoutMs: number;
  private next = 0;

  constructor(options: InferenceClientOptions) {
    const { urls } = options;
    if (Array.isArray(urls)) {
      if (urls.length === 0) throw new Error('InferenceClient needs at least one URL');
      const fixed = urls.map((url) => url.replace(/\/+$/, ''));
      this.urls = () => fixed;
    } else {
      this.urls = urls as () => readonly string[];
    }
    this.timeoutMs = options.timeoutMs ?? QUEUE_DEFAULTS.upstreamTimeoutMs;
  }

  /**
   * POSTs `body` to the task's endpoint; throws UpstreamError on failure. With
   * several URLs, a refused connection (the request never reached a server, e.g. a replica shutting down) moves
   * on to the next URL at once instead of spending one of the job's attempts. `requestId` (the job id) goes
   * out as X-Request-Id, so the inference service logs the same id as the dispatcher.
   */
  async call(task: InferenceTask, body: unknown, signal?: AbortSignal, requestId?: string): Promise<InferenceCallResult> {
    const payload = JSON.stringify(body);
    const urls = this.urls();
    if (urls.length === 0) throw new UpstreamError('no inference replica is registered for this model', undefined, true);
    for (let tried = 1; ; tried += 1) {
      // The set may have changed size since the last call.
      const at = this.next % urls.length;
      this.next = (at + 1) % urls.length;
      const base = urls[at].replace(/\/+$/, '');
      try {
        return await this.post(base, TASK_PATHS[task], payload, signal, requestId);
      } catch (error) {
        if (!(error instanceof UpstreamError && isConnectionRefused(error.cause)) || tried >= urls.length) throw error;
      }
    }
  }

  private async post(base: string, path: string, payload: string, signal?: AbortSignal, requestId?: string): Promise<InferenceCallResult> {
    const url = base + path;
    const started = performance.now();
    let answer: HttpAnswer;
    try {
      const headers = requestId === undefined ? undefined : { 'x-request-id': toRequestId(requestId) };
      answer = await http.request('POST', new URL(url), { body: payload, headers, signal, timeoutMs: this.timeoutMs });
    } catch (error) {
      const reason = error instanceof HttpTimeout ? error.message : `connection failed: ${describe(error)}`;
      throw new UpstreamError(`${url} ${reason}`, undefined, true, { cause: error });
    }
    const { status, ok } = answer;
    const text = answer.body.toString('utf8');
    const inferenceMs = performance.now() - started;
    if (!ok) throw new UpstreamError(`${url} answered ${status}: ${errorMessage(text)}`, status, isRetryableStatus(status));
    let output: unknown;
    try {
      output = JSON.parse(text);
    } catch {
      throw new UpstreamError(`${url} answered ${status} with a body that is not JSON`, status, true);
    }
    const server = (output as { timings?: unknown } | null)?.timings;
    return { output, inferenceMs, upstream: base, ...(isInferenceTimings(server) && { server }) };
  }
}

/** Only /infer and /predict report batch timings; /generate reports token timings, kept in the output. */
function isInferenceTimings(value: unknown): value is InferenceTimings {
  const timings = value as Partial<InferenceTimings> | undefined;
  return typeof timings?.totalMs === 'number' && typeof timings.batchSize === 'number' && typeof timings.preprocessMs === 'number';
}

function describe(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } } | undefined;
  return e?.code ?? e?.cause?.code ?? e?.message ?? String(error);
}

/** The `error.message` of a JSON error body, else the start of the text. */
function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } })?.error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || '(empty body)';
}

/** node:http reports a refused connection as the socket error itself (`code: 'ECONNREFUSED'`). */
function isConnectionRefused(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === 'ECONNREFUSED' || e?.cause?.code === 'ECONNREFUSED';
}
