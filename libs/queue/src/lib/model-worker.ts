import { Worker, type ConnectionOptions } from 'bullmq';
import type IORedis from 'ioredis';
import type { InferenceJob } from './job-status';
import { createJobProcessor, type InferenceCaller } from './job-processor';
import { failedForGood } from './final-failure';
import { limiterFor } from './drain-rate-limit';
import { DEFAULT_QUEUE_PREFIX, queueKeys } from './queue-naming';
import { QUEUE_DEFAULTS } from './queue-defaults';

/** What happened to a job, for metrics, callbacks and logs. */
export interface ModelWorkerHooks {
  /** This process started an attempt at the job. */
  active?(job: InferenceJob): void;
  completed?(job: InferenceJob): void;
  /** `final` is false when BullMQ will retry the job. */
  failed?(job: InferenceJob, error: Error, final: boolean): void;
  stalled?(jobId: string): void;
  error?(error: Error): void;
}

export interface ModelWorkerOptions {
  model: string;
  /** Connection options for the worker's own connections (BullMQ sets maxRetriesPerRequest: null). */
  connection: ConnectionOptions;
  /** Shared client used to count drained jobs for the drain-rate meter. */
  counter: IORedis;
  client: InferenceCaller;
  prefix?: string;
  /** Jobs in flight in this process; default QUEUE_DEFAULTS.concurrency. */
  concurrency?: number;
  /** Jobs per second across every worker of this model; 0 = unlimited. */
  drainRate?: number;
  /** How often stalled jobs are looked for; default QUEUE_DEFAULTS.stalledIntervalMs. */
  stalledIntervalMs?: number;
  /** How long a job's lock lives without renewal; a killed worker's jobs are recovered after it. Default QUEUE_DEFAULTS.lockDurationMs. */
  lockDurationMs?: number;
  /** Stalls tolerated before a job is failed; default QUEUE_DEFAULTS.maxStalledCount. */
  maxStalledCount?: number;
  hooks?: ModelWorkerHooks;
  /** Start taking jobs at once (default); false leaves that to `worker.run()`. */
  autorun?: boolean;
}

/**
 * One BullMQ worker for one model's queue, with the global drain-rate limiter, concurrency and stalled-job
 * recovery configured; it counts every job that leaves the queue in `bull:<model>:drained`.
 */
export function startModelWorker(options: ModelWorkerOptions): Worker {
  const hooks = options.hooks ?? {};
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const drainedKey = queueKeys(options.model, prefix).drained;
  const limiter = limiterFor(options.drainRate ?? 0);
  const lockDuration = options.lockDurationMs ?? QUEUE_DEFAULTS.lockDurationMs;
  const worker = new Worker(options.model, createJobProcessor(options.client), {
    connection: options.connection,
    prefix,
    concurrency: options.concurrency ?? QUEUE_DEFAULTS.concurrency,
    ...(limiter && { limiter }),
    stalledInterval: options.stalledIntervalMs ?? QUEUE_DEFAULTS.stalledIntervalMs,
    lockDuration,
    maxStalledCount: options.maxStalledCount ?? QUEUE_DEFAULTS.maxStalledCount,
    // Idle workers poll at most this long, so shutdown and reconnects are quick.
    drainDelay: 2,
    autorun: options.autorun ?? true,
  });
  const countDrained = () => {
    options.counter.incr(drainedKey).catch((error: Error) => hooks.error?.(error));
  };
  worker.on('active', (job) => hooks.active?.(job as InferenceJob));
  worker.on('completed', (job) => {
    countDrained();
    hooks.completed?.(job as InferenceJob);
  });
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = failedForGood(job, error);
    if (final) countDrained();
    hooks.failed?.(job as InferenceJob, error, final);
  });
  worker.on('stalled', (jobId) => hooks.stalled?.(jobId));
  worker.on('error', (error) => hooks.error?.(error));
  return worker;
}
