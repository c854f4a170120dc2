import { QueueEvents, type ConnectionOptions } from 'bullmq';
import { DEFAULT_QUEUE_PREFIX } from './queue-naming';

export type WaitOutcome = 'completed' | 'failed' | 'timeout';

export interface JobWaiterOptions {
  models: readonly string[];
  /** Connection options; each model's event listener opens its own blocking connection. */
  connection: ConnectionOptions;
  prefix?: string;
}

/**
 * Waits for jobs to finish by listening to each queue's event stream (one XREAD per model for all
 * waiters) instead of polling each job. Listeners start lazily, on the first wait for a model.
 */
export class JobWaiter {
  private readonly events = new Map<string, Promise<QueueEvents>>();
  private readonly waiting = new Map<string, Set<(outcome: WaitOutcome) => void>>();
  private closed = false;

  constructor(private readonly options: JobWaiterOptions) {}

  /**
   * Resolves when the job completes or finally fails, or with 'timeout' after `timeoutMs`. Call `ready`
   * before adding the job so no event can be missed; for jobs that may already be finished, check their
   * state after calling this.
   */
  wait(model: string, queueJobId: string, timeoutMs: number): Promise<WaitOutcome> {
    const key = `${model}\n${queueJobId}`;
    return new Promise<WaitOutcome>((resolve) => {
      const done = (outcome: WaitOutcome) => {
        clearTimeout(timer);
        const set = this.waiting.get(key);
        set?.delete(done);
        if (set?.size === 0) this.waiting.delete(key);
        resolve(outcome);
      };
      const timer = setTimeout(() => done('timeout'), timeoutMs);
      const set = this.waiting.get(key) ?? new Set();
      set.add(done);
      this.waiting.set(key, set);
    });
  }

  /** Resolves the waiters of a job now (used when its state shows it finished before anyone listened). */
  settle(model: string, queueJobId: string, outcome: WaitOutcome): void {
    for (const done of [...(this.waiting.get(`${model}\n${queueJobId}`) ?? [])]) done(outcome);
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

  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.waiting.values()) for (const done of [...set]) done('timeout');
    await Promise.all([...this.events.values()].map(async (events) => (await events.catch(() => undefined))?.close()));
  }

  private async listen(model: string): Promise<QueueEvents> {
    if (this.closed) throw new Error('JobWaiter is closed');
    const events = new QueueEvents(model, { connection: this.options.connection, prefix: this.options.prefix ?? DEFAULT_QUEUE_PREFIX, blockingTimeout: 5_000 });
    events.on('completed', ({ jobId }) => this.settle(model, jobId, 'completed'));
    // 'failed' is emitted only once a job has no retries left; a retry emits 'delayed' or 'waiting'.
    events.on('failed', ({ jobId }) => this.settle(model, jobId, 'failed'));
    events.on('error', () => undefined);
    await events.waitUntilReady();
    return events;
  }
}
