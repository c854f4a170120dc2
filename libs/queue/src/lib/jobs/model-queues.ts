import { randomUUID } from 'node:crypto';
import { Job, Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import type { EnqueueAccepted, EnqueueItem, JobStatus } from '@ai/contracts';
import { JOB_NAME, toJobData, type InferenceJobData, type InferenceJobResult } from './job-types';
import { jobStatusOf, type InferenceJob } from './job-status';
import { DEFAULT_QUEUE_PREFIX, idempotentQueueJobId, newQueueJobId, parsePublicJobId, publicJobId } from './queue-naming';
import { QUEUE_DEFAULTS } from '../queue-defaults';

/** How long finished jobs stay inspectable. */
export interface RetentionOptions {
  /** Completed jobs are kept this long (seconds) and at most `completedCount` of them. Default: QUEUE_DEFAULTS. */
  completedAgeSeconds?: number;
  completedCount?: number;
  /** Finally failed jobs (the dead-letter set) are kept this long and at most this many. Default: QUEUE_DEFAULTS. */
  failedAgeSeconds?: number;
  failedCount?: number;
}

export interface ModelQueuesOptions {
  models: readonly string[];
  /** A shared ioredis instance or connection options; BullMQ reuses an instance for every queue. */
  connection: ConnectionOptions;
  /** Redis key prefix; default `bull`. */
  prefix?: string;
  /** Attempts per job including the first; default QUEUE_DEFAULTS.attempts. */
  attempts?: number;
  /** First retry delay, doubled each retry; default QUEUE_DEFAULTS.backoffMs. */
  backoffMs?: number;
  retention?: RetentionOptions;
  /**
   * Told of each queue's errors (a lost connection, ...). Every queue gets a listener, with or without this:
   * BullMQ prints the errors of a queue nobody listens to on the console.
   */
  onError?: (error: Error, model: string) => void;
}

/** One BullMQ queue per model, and the use cases on them: enqueue (with idempotency), look up, list failed. */
export class ModelQueues {
  private readonly queues = new Map<string, Queue<InferenceJobData, InferenceJobResult>>();
  private readonly jobOptions: JobsOptions;

  constructor(options: ModelQueuesOptions) {
    const retention = options.retention ?? {};
    this.jobOptions = {
      attempts: options.attempts ?? QUEUE_DEFAULTS.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs ?? QUEUE_DEFAULTS.backoffMs },
      removeOnComplete: {
        age: retention.completedAgeSeconds ?? QUEUE_DEFAULTS.completedAgeSeconds,
        count: retention.completedCount ?? QUEUE_DEFAULTS.completedCount,
      },
      removeOnFail: { age: retention.failedAgeSeconds ?? QUEUE_DEFAULTS.failedAgeSeconds, count: retention.failedCount ?? QUEUE_DEFAULTS.failedCount },
    };
    for (const model of options.models) {
      const queue = new Queue<InferenceJobData, InferenceJobResult>(model, { connection: options.connection, prefix: options.prefix ?? DEFAULT_QUEUE_PREFIX });
      queue.on('error', (error: Error) => options.onError?.(error, model));
      this.queues.set(model, queue);
    }
  }

  get models(): string[] {
    return [...this.queues.keys()];
  }

  has(model: string): boolean {
    return this.queues.has(model);
  }

  queue(model: string): Queue<InferenceJobData, InferenceJobResult> {
    const queue = this.queues.get(model);
    if (!queue) throw new Error(`unknown model ${model}`);
    return queue;
  }

  /**
   * Adds the items, in order, and answers one EnqueueAccepted each. Items without an idempotency key go in
   * one pipelined addBulk per model; an item with a key gets a deterministic job id, so BullMQ adds it only
   * once, and a later call with the same key gets the first job back with `duplicate: true`.
   */
  async enqueue(items: readonly EnqueueItem[]): Promise<EnqueueAccepted[]> {
    const now = Date.now();
    const accepted: EnqueueAccepted[] = new Array(items.length);
    const plain = new Map<string, { index: number; item: EnqueueItem }[]>();
    const keyed: Promise<void>[] = [];
    items.forEach((item, index) => {
      if (item.idempotencyKey !== undefined) {
        keyed.push(this.addIdempotent(item, now).then((result) => void (accepted[index] = result)));
      } else {
        const list = plain.get(item.model) ?? [];
        list.push({ index, item });
        plain.set(item.model, list);
      }
    });
    const bulk = [...plain].map(async ([model, list]) => {
      const jobs = list.map(({ item }) => ({ name: JOB_NAME, data: toJobData(item, now, ''), opts: this.optionsFor(item, newQueueJobId(), now) }));
      // addBulk wraps its adds in MULTI/EXEC; a single add is one script call.
      if (jobs.length === 1) await this.queue(model).add(jobs[0].name, jobs[0].data, jobs[0].opts);
      else await this.queue(model).addBulk(jobs);
      list.forEach(({ index }, i) => {
        accepted[index] = { jobId: publicJobId(model, String(jobs[i].opts.jobId)), queuedAt: new Date(now).toISOString(), duplicate: false };
      });
    });
    await Promise.all([...bulk, ...keyed]);
    return accepted;
  }

  /** The job behind a public id, or undefined when it is unknown (or already removed by retention). */
  async status(publicId: string): Promise<JobStatus | undefined> {
    const parsed = parsePublicJobId(publicId);
    if (!parsed || !this.queues.has(parsed.model)) return undefined;
    const job = (await Job.fromId(this.queue(parsed.model), parsed.queueJobId)) as InferenceJob | undefined;
    if (!job) return undefined;
    // A finished job's hash says how it ended; asking for the state separately could race with it finishing
    // and report "completed" next to a hash read while it was still active.
    if (typeof job.finishedOn === 'number') return jobStatusOf(job, job.returnvalue != null ? 'completed' : 'failed');
    const state = await job.getState();
    if (state === 'completed' || state === 'failed') {
      const finished = (await Job.fromId(this.queue(parsed.model), parsed.queueJobId)) as InferenceJob | undefined;
      return finished ? jobStatusOf(finished, state) : undefined;
    }
    return jobStatusOf(job, state);
  }

  /** The dead-letter set: finally failed jobs of a model, newest first. */
  async failed(model: string, start = 0, count = 50): Promise<JobStatus[]> {
    const jobs = (await this.queue(model).getFailed(start, start + count - 1)) as InferenceJob[];
    return jobs.filter(Boolean).map((job) => jobStatusOf(job, 'failed'));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  private optionsFor(item: EnqueueItem, jobId: string, now: number): JobsOptions {
    return { ...this.jobOptions, jobId, timestamp: now, ...(item.priority ? { priority: item.priority } : {}) };
  }

  private async addIdempotent(item: EnqueueItem, now: number): Promise<EnqueueAccepted> {
    const nonce = randomUUID();
    const jobId = idempotentQueueJobId(item.idempotencyKey as string);
    const queue = this.queue(item.model);
    await queue.add(JOB_NAME, toJobData(item, now, nonce), this.optionsFor(item, jobId, now));
    // BullMQ answers an existing id with the id, not an error: the stored nonce says whose job it is.
    const stored = await Job.fromId(queue, jobId);
    const duplicate = stored !== undefined && stored.data?.nonce !== nonce;
    const queuedAt = duplicate ? (stored.data?.enqueuedAt ?? stored.timestamp) : now;
    return { jobId: publicJobId(item.model, jobId), queuedAt: new Date(queuedAt).toISOString(), duplicate };
  }
}
