import { QueueEvents, type ConnectionOptions } from 'bullmq';
import type { JobStatus } from '@ai/contracts';
import { DEFAULT_QUEUE_PREFIX } from './queue-naming';

export type WaitOutcome = 'completed' | 'failed' | 'timeout';

export interface WaitResult {
  outcome: WaitOutcome;
  /** The finished job, when whoever settled it had it at hand (a worker in this process); otherwise read it back. */
  status?: JobStatus;
}

export interface JobWaiterOptions {
  models: readonly string[];
  /** Connection options; each model's event listener opens its own blocking connection. */
  connection: ConnectionOptions;
  prefix?: string;
  /** Told of the event listeners' errors (a lost connection, ...); without it they are dropped, never printed. */
  onError?: (error: Error, model: string) => void;
}

/**
 * Waits for jobs to finish by listening to each queue's event stream (one XREAD per model for all
 * waiters) instead of polling each job. Listeners start lazily, on the first wait for a model. A worker in the
 * same process settles its jobs directly, with their final status, which saves the event stream's round trip and
 * the read-back of the result: while it runs a job, the stream's news of that job is ignored, because the stream
 * often wins the race by a hair and would cost a read-back the worker is about to make unnecessary.
 */
export class JobWaiter {
  private readonly events = new Map<string, Promise<QueueEvents>>();
  private readonly waiting = new Map<string, Set<(result: WaitResult) => void>>();
  /** Jobs waited for here that a worker in this process is running now. */
  private readonly runningHere = new Set<string>();
  private closed = false;

  constructor(private readonly options: JobWaiterOptions) {}

  /**
   * Resolves when the job completes or finally fails, or with 'timeout' after `timeoutMs`. Call `ready`
   * before adding the job so no event can be missed; for jobs that may already be finished, check their
   * state after calling this.
   */
  wait(model: string, queueJobId: string, timeoutMs: number): Promise<WaitResult> {
    const key = `${model}\n${queueJobId}`;
    return new Promise<WaitResult>((resolve) => {
      const done = (result: WaitResult) => {
        clearTimeout(timer);
        const set = this.waiting.get(key);
        set?.delete(done);
        if (set?.size === 0) {
          this.waiting.delete(key);
          this.runningHere.delete(key);
        }
        resolve(result);
      };
      const timer = setTimeout(() => done({ outcome: 'timeout' }), timeoutMs);
      const set = this.waiting.get(key) ?? new Set();
      set.add(done);
      this.waiting.set(key, set);
    });
  }

  /** Whether a caller in this process is waiting for the job. */
  waitsFor(model: string, queueJobId: string): boolean {
    return this.waiting.has(`${model}\n${queueJobId}`);
  }

  /**
   * Resolves the waiters of a job now: when its state shows it finished before anyone listened, or on a final
   * state check. Later calls for the same job do nothing.
   */
  settle(model: string, queueJobId: string, outcome: WaitOutcome, status?: JobStatus): void {
    const key = `${model}\n${queueJobId}`;
    this.runningHere.delete(key);
    for (const done of [...(this.waiting.get(key) ?? [])]) done({ outcome, status });
  }

  /** A worker in this process started the job: it, not the event stream, will say how the attempt ended. */
  workerStarted(model: string, queueJobId: string): void {
    const key = `${model}\n${queueJobId}`;
    if (this.waiting.has(key)) this.runningHere.add(key);
  }

  /** A worker in this process finished the job for good, with its final status in hand. */
  workerFinished(model: string, queueJobId: string, outcome: 'completed' | 'failed', status: JobStatus): void {
    this.settle(model, queueJobId, outcome, status);
  }

  /** The attempt in this process failed and will be retried, possibly elsewhere: listen to the stream again. */
  workerWillRetry(model: string, queueJobId: string): void {
    this.runningHere.delete(`${model}\n${queueJobId}`);
  }

  private settleFromStream(model: string, queueJobId: string, outcome: WaitOutcome): void {
    if (!this.runningHere.has(`${model}\n${queueJobId}`)) this.settle(model, queueJobId, outcome);
  }

  /** Starts (once) and waits for the event listener of `model`. */
  ready(model: string): Promise<QueueEvents> {
    let events = this.events.get(model);
    if (!events) {
      events = this.listen(model);
      this.events.set(model, events);
    }
    return events;
  }

  /**
   * Answers every waiter 'timeout' and closes the listeners. `force` (Redis is away) bounds the wait to 1 s per
   * listener: ioredis emits no 'end' for a connection waiting to reconnect, so BullMQ's close would wait forever.
   */
  async close(force = false): Promise<void> {
    this.closed = true;
    for (const set of this.waiting.values()) for (const done of [...set]) done({ outcome: 'timeout' });
    const bounded = <T>(work: Promise<T>) =>
      force ? Promise.race([work, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1_000).unref())]) : work;
    await Promise.all(
      [...this.events.values()].map(async (events) => {
        const listener = await bounded(events.catch(() => undefined));
        if (listener) await bounded(listener.close());
      }),
    );
  }

  private async listen(model: string): Promise<QueueEvents> {
    if (this.closed) throw new Error('JobWaiter is closed');
    const events = new QueueEvents(model, { connection: this.options.connection, prefix: this.options.prefix ?? DEFAULT_QUEUE_PREFIX, blockingTimeout: 5_000 });
    events.on('completed', ({ jobId }) => this.settleFromStream(model, jobId, 'completed'));
    // 'failed' is emitted only once a job has no retries left; a retry emits 'delayed' or 'waiting'.
    events.on('failed', ({ jobId }) => this.settleFromStream(model, jobId, 'failed'));
    events.on('error', (error: Error) => this.options.onError?.(error, model));
    await events.waitUntilReady();
    return events;
  }
}
