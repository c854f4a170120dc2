import { UnrecoverableError, Worker, type ConnectionOptions, type Processor } from 'bullmq';
import type IORedis from 'ioredis';
import type { CallbackNotifier } from '../callbacks/callback-notifier';
import { QUEUE_DEFAULTS } from '../queue-defaults';
import { UpstreamError, type InferenceCallResult } from '../upstream/inference-client';
import { failedForGood, jobCallbackOf, type InferenceJob } from './job-status';
import type { InferenceJobData, InferenceJobResult, InferenceTask } from './job-types';
import type { JobWaiter } from './job-waiter';
import { DEFAULT_QUEUE_PREFIX, publicJobId, queueKeys } from './queue-naming';

/** The one thing a worker needs from an inference client. */
export interface InferenceCaller {
  call(task: InferenceTask, body: unknown, signal?: AbortSignal, requestId?: string): Promise<InferenceCallResult>;
}

/** What happened to a job, told for metrics and logs only: the worker settles waiters and sends callbacks itself. */
export interface ModelWorkerEvents {
  completed?(job: InferenceJob): void;
  /** `final` is false when BullMQ will retry the job. */
  failed?(job: InferenceJob, error: Error, final: boolean): void;
  stalled?(jobId: string): void;
  error?(error: Error): void;
  /** Redis did not take a finished job's callback, so it will not be sent. */
  callbackNotQueued?(url: string, jobId: string, error: Error): void;
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
  /** Synchronous callers waiting in this process: told of their jobs' ends directly, with the final status in hand. */
  waiter?: JobWaiter;
  /** Sends the callback of every job that has a callbackUrl, once it completed or finally failed. */
  notifier?: CallbackNotifier;
  events?: ModelWorkerEvents;
  /** Start taking jobs at once (default); false leaves that to `run()`. */
  autorun?: boolean;
}

/**
 * One BullMQ worker for one model's queue, with the global drain-rate limiter, concurrency and stalled-job
 * recovery configured. It counts every job that leaves the queue in `bull:<model>:drained`, settles the
 * synchronous waiters of this process and queues each finished job's callback.
 */
export class ModelWorker {
  private readonly worker: Worker<InferenceJobData, InferenceJobResult>;

  constructor(options: ModelWorkerOptions) {
    const { model, waiter, notifier } = options;
    const events = options.events ?? {};
    const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    const drainedKey = queueKeys(model, prefix).drained;
    const limiter = limiterFor(options.drainRate ?? 0);
    this.worker = new Worker(model, processorFor(options.client), {
      connection: options.connection,
      prefix,
      concurrency: options.concurrency ?? QUEUE_DEFAULTS.concurrency,
      ...(limiter && { limiter }),
      stalledInterval: options.stalledIntervalMs ?? QUEUE_DEFAULTS.stalledIntervalMs,
      lockDuration: options.lockDurationMs ?? QUEUE_DEFAULTS.lockDurationMs,
      maxStalledCount: options.maxStalledCount ?? QUEUE_DEFAULTS.maxStalledCount,
      drainDelay: QUEUE_DEFAULTS.idlePollSeconds,
      autorun: options.autorun ?? true,
    });
    const countDrained = () => {
      options.counter.incr(drainedKey).catch((error: Error) => events.error?.(error));
    };
    const finished = (job: InferenceJob, outcome: 'completed' | 'failed') => {
      countDrained();
      const url = job.data.callbackUrl;
      if (url && notifier) {
        notifier.notify(url, jobCallbackOf(job, outcome)).catch((error: Error) => events.callbackNotQueued?.(url, publicJobId(model, String(job.id)), error));
      }
      waiter?.workerFinished(model, job, outcome);
    };
    this.worker.on('active', (job) => waiter?.workerStarted(model, String(job.id)));
    this.worker.on('completed', (job) => {
      finished(job, 'completed');
      events.completed?.(job);
    });
    this.worker.on('failed', (job, error) => {
      if (!job) return;
      const final = failedForGood(job, error);
      if (final) finished(job, 'failed');
      else waiter?.workerWillRetry(model, String(job.id));
      events.failed?.(job, error, final);
    });
    this.worker.on('stalled', (jobId) => events.stalled?.(jobId));
    this.worker.on('error', (error) => events.error?.(error));
  }

  /** Starts taking jobs (when created with autorun: false); resolves when the worker stops. */
  run(): Promise<void> {
    return this.worker.run();
  }

  /** Stops taking new jobs; those in flight finish. */
  pause(): Promise<void> {
    return this.worker.pause(true);
  }

  resume(): void {
    this.worker.resume();
  }

  isPaused(): boolean {
    return this.worker.isPaused();
  }

  /** Stops taking jobs and lets active ones finish; `force` closes at once (Redis is away). */
  close(force = false): Promise<void> {
    return this.worker.close(force);
  }
}

/**
 * Calls the model's inference service and returns the output with the attempt's start time and inference time;
 * enqueuedAt is in the job data and finishedAt is BullMQ's finishedOn. The public job id travels as the call's
 * request id. A failure the retry rule says may pass is retried with backoff; any other fails the job at once
 * (BullMQ's UnrecoverableError). Either way the upstream status is kept on the job, as data, for its status.
 */
function processorFor(client: InferenceCaller): Processor<InferenceJobData, InferenceJobResult> {
  return async (job, _token, signal) => {
    const startedAt = Date.now();
    try {
      const call = await client.call(job.data.task, job.data.body, signal, publicJobId(job.data.model, String(job.id)));
      return {
        output: call.output,
        startedAt,
        inferenceMs: call.inferenceMs,
        upstream: call.upstream,
        ...(call.server && { server: call.server }),
      };
    } catch (error) {
      if (!(error instanceof UpstreamError)) throw error;
      await keepUpstreamStatus(job, error.status);
      throw error.retryable ? error : new UnrecoverableError(error.message);
    }
  };
}

/** Writes the status of the attempt's answer into the job's data, when it changed; a lost write costs only the status. */
async function keepUpstreamStatus(job: InferenceJob, status: number | undefined): Promise<void> {
  if (job.data.upstreamStatus === status) return;
  const { upstreamStatus: _previous, ...data } = job.data;
  await job.updateData(status === undefined ? data : { ...data, upstreamStatus: status }).catch(() => undefined);
}

/** BullMQ limiter settings: at most `max` jobs started per `duration` ms, across every worker of the queue. */
export interface LimiterOptions {
  max: number;
  duration: number;
}

/**
 * Turns a drain rate in jobs/s into BullMQ limiter settings. BullMQ keeps the limiter counter in Redis per
 * queue, so the rate is global across all dispatcher replicas. A window opens when its first job starts and
 * the next one only when a worker asks again after it expired, so every window is stretched by a Redis
 * round trip plus timer lateness (1–20 ms, the more the busier the machine). One-second windows keep that
 * loss to about 1% at worst; shorter windows would smooth the start of each second's jobs but lose up to
 * several percent of the rate. Rates below 1/s get one job per 1/rate seconds. Returns undefined for 0
 * (unlimited).
 */
export function limiterFor(jobsPerSecond: number): LimiterOptions | undefined {
  if (!(jobsPerSecond > 0)) return undefined;
  if (jobsPerSecond < 1) return { max: 1, duration: Math.round(1000 / jobsPerSecond) };
  if (Number.isInteger(jobsPerSecond)) return { max: jobsPerSecond, duration: 1000 };
  // Fractional rates above 1/s: the window that holds a whole number of jobs, at most a few seconds long.
  for (let seconds = 1; seconds <= 10; seconds += 1) {
    const max = jobsPerSecond * seconds;
    if (Math.abs(max - Math.round(max)) < 1e-9) return { max: Math.round(max), duration: seconds * 1000 };
  }
  const max = Math.round(jobsPerSecond);
  return { max, duration: Math.round((max * 1000) / jobsPerSecond) };
}
