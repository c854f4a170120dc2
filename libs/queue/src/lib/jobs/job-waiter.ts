import { QueueEvents, type ConnectionOptions } from 'bullmq';
import type { EnqueueAccepted, JobStatus } from '@ai/contracts';
import { jobStatusOf, type InferenceJob } from './job-status';
import type { ModelQueues } from './model-queues';
import { DEFAULT_QUEUE_PREFIX, parsePublicJobId } from './queue-naming';

type WaitOutcome = 'completed' | 'failed' | 'timeout';

/** How a synchronous submission ended: the job's final status, or still running when the wait ran out. */
export type SyncOutcome = { outcome: 'completed' | 'failed'; jobId: string; status: JobStatus } | { outcome: 'timeout'; jobId: string };

/** The queue could not be listened to or read back, so a synchronous caller cannot learn how its job ends. */
export class QueueUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

interface WaitResult {
  outcome: WaitOutcome;
  /** The finished job, when whoever settled it had it at hand (a worker in this process); otherwise read it back. */
  status?: JobStatus;
}

export interface JobWaiterOptions {
  /** The queues whose jobs are waited for; finished jobs are read back from them. */
  queues: ModelQueues;
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
   * Adds one job with `submit` and waits for its end (the synchronous /infer). It listens to the model's event
   * stream before submitting, so the end cannot be missed (bounded by `listenTimeoutMs`: Redis may be down); an
   * idempotent duplicate may have finished before anyone listened, so its state is read once; when `timeoutMs` runs
   * out, the state is read once more, since news of the end can be missed (Redis restarted under the listener, or a
   * local attempt lost its lock and another replica finished the job). Whatever `submit` throws passes through;
   * QueueUnavailableError when the listener does not start or a finished job cannot be read back.
   */
  async submitAndWait(model: string, submit: () => Promise<EnqueueAccepted>, timeoutMs: number, listenTimeoutMs = 2_000): Promise<SyncOutcome> {
    // An unknown model is refused by `submit`; there is nothing to listen to.
    if (this.options.queues.has(model)) await this.listening(model, listenTimeoutMs);
    const accepted = await submit();
    const { jobId } = accepted;
    const queueJobId = (parsePublicJobId(jobId) as { queueJobId: string }).queueJobId;
    const finished = this.wait(model, queueJobId, timeoutMs);
    if (accepted.duplicate) {
      const done = await this.finishedStatus(jobId);
      if (done) this.settle(model, queueJobId, done.state, done);
    }
    const waited = await finished;
    let status = waited.status;
    if (waited.outcome === 'timeout') {
      status = await this.finishedStatus(jobId).catch(() => undefined);
      if (!status) return { outcome: 'timeout', jobId };
    }
    status ??= await this.options.queues.status(jobId).catch(() => undefined);
    if (status?.state !== 'completed' && status?.state !== 'failed') throw new QueueUnavailableError(`job ${jobId} finished but could not be read back`);
    return { outcome: status.state, jobId, status };
  }

  /**
   * Resolves when the job completes or finally fails, or with 'timeout' after `timeoutMs` (see submitAndWait for
   * the order around it).
   */
  private wait(model: string, queueJobId: string, timeoutMs: number): Promise<WaitResult> {
    const key = waitKey(model, queueJobId);
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
  private waitsFor(model: string, queueJobId: string): boolean {
    return this.waiting.has(waitKey(model, queueJobId));
  }

  /**
   * Resolves the waiters of a job now: when its state shows it finished before anyone listened, or on a final
   * state check. Later calls for the same job do nothing.
   */
  private settle(model: string, queueJobId: string, outcome: WaitOutcome, status?: JobStatus): void {
    const key = waitKey(model, queueJobId);
    this.runningHere.delete(key);
    for (const done of [...(this.waiting.get(key) ?? [])]) done({ outcome, status });
  }

  /** A worker in this process started the job: it, not the event stream, will say how the attempt ended. */
  workerStarted(model: string, queueJobId: string): void {
    const key = waitKey(model, queueJobId);
    if (this.waiting.has(key)) this.runningHere.add(key);
  }

  /** A worker in this process finished the job for good, with its final status in hand. */
  workerFinished(model: string, job: InferenceJob, outcome: 'completed' | 'failed'): void {
    const queueJobId = String(job.id);
    if (this.waitsFor(model, queueJobId)) this.settle(model, queueJobId, outcome, jobStatusOf(job, outcome));
  }

  /** The attempt in this process failed and will be retried, possibly elsewhere: listen to the stream again. */
  workerWillRetry(model: string, queueJobId: string): void {
    this.runningHere.delete(waitKey(model, queueJobId));
  }

  /** Starts the model's listener, or throws QueueUnavailableError when it is not listening within `timeoutMs`. */
  private async listening(model: string, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const listening = await Promise.race([
      this.ready(model).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!listening) throw new QueueUnavailableError(`could not listen to the events of queue ${model} within ${timeoutMs} ms`);
  }

  /** The job's status when it has completed or finally failed; undefined while it is still on its way. */
  private async finishedStatus(jobId: string): Promise<(JobStatus & { state: 'completed' | 'failed' }) | undefined> {
    const status = await this.options.queues.status(jobId);
    return status?.state === 'completed' || status?.state === 'failed' ? (status as JobStatus & { state: 'completed' | 'failed' }) : undefined;
  }

  private settleFromStream(model: string, queueJobId: string, outcome: WaitOutcome): void {
    if (!this.runningHere.has(waitKey(model, queueJobId))) this.settle(model, queueJobId, outcome);
  }

  /** Starts (once) and waits for the event listener of `model`. */
  private ready(model: string): Promise<QueueEvents> {
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

/** One waited-for job: model and queue job id, which alone may repeat across models. */
function waitKey(model: string, queueJobId: string): string {
  return `${model}\n${queueJobId}`;
}
