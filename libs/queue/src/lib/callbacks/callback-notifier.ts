import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { JobCallback } from '@ai/contracts';
import { HttpClient, isRetryableStatus, toRequestId } from '@ai/http-client';
import type { CallbackAllowlist } from './callback-allowlist';
import { failedForGood } from '../jobs/job-status';
import { DEFAULT_QUEUE_PREFIX } from '../jobs/queue-naming';
import { QUEUE_DEFAULTS } from '../queue-defaults';

/** The queue holding callbacks to deliver; model names start with a letter or digit, so none can take it. */
export const CALLBACK_QUEUE = '_callbacks';

/** One keep-alive pool for every callback sent from this process. */
const http = new HttpClient();

/** How one delivery went: delivered, or not, and whether trying again could change that. */
export type CallbackAttempt = { delivered: true } | { delivered: false; retryable: boolean; detail: string };

/**
 * POSTs a JobCallback once. Redirects are never followed (a redirect could point anywhere, defeating the
 * allowlist), so a 3xx is a failure, and like a 4xx it will not change on retry (isRetryableStatus).
 */
export async function postCallback(url: string, body: JobCallback, timeoutMs: number): Promise<CallbackAttempt> {
  try {
    const response = await http.request('POST', new URL(url), { body: JSON.stringify(body), headers: { 'x-request-id': toRequestId(body.jobId) }, timeoutMs });
    if (response.ok) return { delivered: true };
    return { delivered: false, retryable: isRetryableStatus(response.status), detail: `status ${response.status}` };
  } catch (error) {
    return { delivered: false, retryable: true, detail: String((error as Error)?.message ?? error) };
  }
}

interface CallbackJobData {
  url: string;
  body: JobCallback;
}

export type CallbackOutcome = 'delivered' | 'failed' | 'rejected';

export interface CallbackNotifierOptions {
  /** Connection options for the queue and its worker (BullMQ sets maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  prefix?: string;
  allowlist: CallbackAllowlist;
  /** Deliveries tried in all; default 5. */
  attempts?: number;
  /** First retry delay, doubled each time; default 200 ms. */
  backoffMs?: number;
  /** Per-delivery timeout; default 5 000 ms. */
  timeoutMs?: number;
  /** Deliveries in flight in this process; default 32. */
  concurrency?: number;
  /** Told the outcome of every callback, for metrics and logs. */
  onOutcome?: (outcome: CallbackOutcome, url: string, detail?: string) => void;
  /** Told of the callback queue's and worker's own errors (a lost Redis connection, ...). */
  onError?: (error: Error) => void;
}

/**
 * Delivers JobCallbacks durably. Each callback is a job in a BullMQ queue of its own, delivered by the callback
 * worker of any dispatcher process, with its retries and backoff kept in Redis: a callback waiting for a retry
 * outlives the process that queued it, and one being sent when its process dies is handed on by BullMQ's
 * stalled-job check, so delivery is at least once. Callbacks that fail for good stay in the queue's failed set.
 */
export class CallbackNotifier {
  private readonly queue: Queue<CallbackJobData>;
  private readonly worker: Worker<CallbackJobData>;
  private readonly attempts: number;
  private readonly backoffMs: number;
  /** Adds not yet acknowledged by Redis, which close() waits for. */
  private readonly adding = new Set<Promise<unknown>>();

  constructor(private readonly options: CallbackNotifierOptions) {
    this.attempts = Math.max(1, options.attempts ?? QUEUE_DEFAULTS.callbackAttempts);
    this.backoffMs = options.backoffMs ?? QUEUE_DEFAULTS.callbackBackoffMs;
    const timeoutMs = options.timeoutMs ?? QUEUE_DEFAULTS.callbackTimeoutMs;
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    this.queue = new Queue(CALLBACK_QUEUE, { connection: options.connection, prefix });
    // Without a listener BullMQ prints the queue's errors (each failed reconnect) on the console.
    this.queue.on('error', (error) => options.onError?.(error));
    this.worker = new Worker<CallbackJobData>(
      CALLBACK_QUEUE,
      async (job) => {
        const { url, body } = job.data;
        // Checked again here: the process that queued it may have run with a laxer allowlist.
        if (!options.allowlist.allows(url)) throw new UnrecoverableError('host not in CALLBACK_ALLOWLIST');
        const attempt = await postCallback(url, body, timeoutMs);
        if (attempt.delivered) return;
        throw attempt.retryable ? new Error(attempt.detail) : new UnrecoverableError(attempt.detail);
      },
      {
        connection: options.connection,
        prefix,
        concurrency: options.concurrency ?? QUEUE_DEFAULTS.callbackConcurrency,
        drainDelay: QUEUE_DEFAULTS.idlePollSeconds,
      },
    );
    this.worker.on('completed', (job) => options.onOutcome?.('delivered', job.data.url));
    this.worker.on('failed', (job, error) => {
      if (job && failedForGood(job, error)) options.onOutcome?.('failed', job.data.url, error.message);
    });
    this.worker.on('error', (error) => options.onError?.(error));
  }

  /** Queues a callback; resolves once Redis holds it. A host outside the allowlist is refused, and nothing is sent. */
  async notify(url: string, body: JobCallback): Promise<void> {
    if (!this.options.allowlist.allows(url)) {
      this.options.onOutcome?.('rejected', url, 'host not in CALLBACK_ALLOWLIST');
      return;
    }
    const added = this.queue.add(
      'callback',
      { url, body },
      {
        attempts: this.attempts,
        backoff: { type: 'exponential', delay: this.backoffMs },
        removeOnComplete: true,
        removeOnFail: { age: QUEUE_DEFAULTS.callbackFailedAgeSeconds, count: QUEUE_DEFAULTS.callbackFailedCount },
      },
    );
    this.adding.add(added);
    try {
      await added;
    } finally {
      this.adding.delete(added);
    }
  }

  /**
   * Lets deliveries being sent finish; callbacks waiting for a retry stay in Redis for any process to deliver.
   * `force` closes at once (Redis is away, so nothing can be acknowledged anyway).
   */
  async close(force = false): Promise<void> {
    if (!force) await Promise.allSettled([...this.adding]);
    await this.worker.close(force);
    await this.queue.close();
  }
}
