import type { ConnectionOptions } from 'bullmq';
import type IORedis from 'ioredis';
import type { Logger } from '@ai/observability';
import { CallbackNotifier, InferenceClient, JobWaiter, jobTimings, ModelWorker, type InferenceJob } from '@ai/queue';
import type { DispatcherConfig } from './config';
import type { DispatcherMetrics } from './metrics';
import { UpstreamReplicas } from './upstream-replicas';

export interface RunningWorkers {
  /**
   * Stops taking jobs and lets active ones finish, then lets callbacks being sent finish (those waiting for a retry
   * stay in Redis for any worker) and closes connections. `force` closes at once (Redis is away: nothing to wait for).
   */
  close(force?: boolean): Promise<void>;
}

/** One worker per model, sending callbacks and settling this process's synchronous waiters; its events feed metrics and logs. */
export function startWorkers(
  config: DispatcherConfig,
  deps: {
    logger: Logger;
    metrics: DispatcherMetrics;
    counter: IORedis;
    notifier: CallbackNotifier;
    /** Options for the workers' own connections (BullMQ opens two per worker). */
    connection: ConnectionOptions;
    /** Where the workers' Redis errors go (logged once per backoff step, not per reconnect attempt). */
    onRedisError: (source: string, error: Error) => void;
    /** The API's synchronous /infer callers in this process, when it serves the API. */
    waiter?: JobWaiter;
  },
): RunningWorkers {
  const { logger, metrics, notifier, connection } = deps;
  const observe = (job: InferenceJob) => {
    const model = job.data.model;
    const timings = jobTimings(job);
    if (timings.queueWaitMs !== undefined) metrics.queueWait.observe({ model }, timings.queueWaitMs / 1000);
    if (timings.e2eMs !== undefined) metrics.e2e.observe({ model }, timings.e2eMs / 1000);
    if (timings.inferenceMs !== undefined) metrics.inference.observe({ model }, timings.inferenceMs / 1000);
  };
  const upstreams = new UpstreamReplicas(config, deps.counter, logger);
  const workers = Object.keys(config.INFERENCE_URLS).map((model) => {
    const worker = new ModelWorker({
      model,
      connection,
      counter: deps.counter,
      prefix: config.QUEUE_PREFIX,
      client: new InferenceClient({ urls: upstreams.urls(model), timeoutMs: config.UPSTREAM_TIMEOUT_MS }),
      autorun: !upstreams.waitsForReplicas,
      concurrency: config.CONCURRENCY,
      drainRate: config.DRAIN_RATE,
      stalledIntervalMs: config.STALLED_INTERVAL_MS,
      lockDurationMs: config.LOCK_DURATION_MS,
      waiter: deps.waiter,
      notifier,
      events: {
        completed(job) {
          metrics.jobs.inc({ model, status: 'completed' });
          observe(job);
        },
        failed(job, error, final) {
          metrics.jobs.inc({ model, status: final ? 'failed' : 'retried' });
          logger.log(final ? 'warn' : 'info', final ? 'job failed' : 'job will be retried', {
            jobId: `${model}:${job.id}`,
            attempts: job.attemptsMade,
            error: error.message,
          });
        },
        stalled(jobId) {
          metrics.stalled.inc({ model });
          logger.warn('stalled job put back for another worker', { jobId: `${model}:${jobId}` });
        },
        error(error) {
          deps.onRedisError(`worker ${model}`, error);
        },
        callbackNotQueued(url, jobId, error) {
          metrics.callbacks.inc({ status: 'failed' });
          logger.warn('callback could not be queued', { url, jobId, error: error.message });
        },
      },
    });
    upstreams.attach(model, worker);
    return worker;
  });
  void upstreams.start();
  return {
    async close(force = false) {
      await upstreams.stop();
      await Promise.all(workers.map((worker) => worker.close(force)));
      await notifier.close(force);
    },
  };
}
