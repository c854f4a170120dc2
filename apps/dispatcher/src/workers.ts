import type { ConnectionOptions, Worker } from 'bullmq';
import type IORedis from 'ioredis';
import type { JobCallback } from '@ai/contracts';
import type { Logger } from '@ai/observability';
import { CallbackNotifier, InferenceClient, jobCallbackOf, jobTimings, startModelWorker, type InferenceJob } from '@ai/queue';
import type { DispatcherConfig } from './config';
import type { DispatcherMetrics } from './metrics';
import { UpstreamReplicas } from './upstream-replicas';

/** Told what this process's workers do with each job: start it, finish it for good, or give it back for a retry. */
export interface LocalJobListener {
  started(model: string, job: InferenceJob): void;
  finished(model: string, job: InferenceJob, outcome: 'completed' | 'failed'): void;
  willRetry(model: string, job: InferenceJob): void;
}

export interface RunningWorkers {
  /**
   * Stops taking jobs and lets active ones finish, then lets callbacks being sent finish (those waiting for a retry
   * stay in Redis for any worker) and closes connections. `force` closes at once (Redis is away: nothing to wait for).
   */
  close(force?: boolean): Promise<void>;
}

/** One BullMQ worker per model, wired to metrics, logs and callbacks. */
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
    localJobs?: LocalJobListener;
  },
): RunningWorkers {
  const { logger, metrics, notifier, localJobs, connection } = deps;
  const queueCallback = (url: string, body: JobCallback) => {
    notifier.notify(url, body).catch((error: Error) => {
      metrics.callbacks.inc({ status: 'failed' });
      logger.warn('callback could not be queued', { url, jobId: body.jobId, error: error.message });
    });
  };
  const observe = (job: InferenceJob) => {
    const model = job.data.model;
    const timings = jobTimings(job);
    if (timings.queueWaitMs !== undefined) metrics.queueWait.observe({ model }, timings.queueWaitMs / 1000);
    if (timings.e2eMs !== undefined) metrics.e2e.observe({ model }, timings.e2eMs / 1000);
    if (timings.inferenceMs !== undefined) metrics.inference.observe({ model }, timings.inferenceMs / 1000);
  };
  const upstreams = new UpstreamReplicas(config, deps.counter, logger);
  const workers: Worker[] = Object.keys(config.INFERENCE_URLS).map((model) =>
    startModelWorker({
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
      hooks: {
        active(job) {
          localJobs?.started(model, job);
        },
        completed(job) {
          metrics.jobs.inc({ model, status: 'completed' });
          observe(job);
          if (job.data.callbackUrl) queueCallback(job.data.callbackUrl, jobCallbackOf(job, 'completed'));
          localJobs?.finished(model, job, 'completed');
        },
        failed(job, error, final) {
          metrics.jobs.inc({ model, status: final ? 'failed' : 'retried' });
          logger.log(final ? 'warn' : 'info', final ? 'job failed' : 'job will be retried', {
            jobId: `${model}:${job.id}`,
            attempts: job.attemptsMade,
            error: error.message,
          });
          if (final && job.data.callbackUrl) queueCallback(job.data.callbackUrl, jobCallbackOf(job, 'failed'));
          if (final) localJobs?.finished(model, job, 'failed');
          else localJobs?.willRetry(model, job);
        },
        stalled(jobId) {
          metrics.stalled.inc({ model });
          logger.warn('stalled job put back for another worker', { jobId: `${model}:${jobId}` });
        },
        error(error) {
          deps.onRedisError(`worker ${model}`, error);
        },
      },
    }),
  );
  for (const [i, model] of Object.keys(config.INFERENCE_URLS).entries()) upstreams.attach(model, workers[i]);
  void upstreams.start();
  return {
    async close(force = false) {
      await upstreams.stop();
      await Promise.all(workers.map((worker) => worker.close(force)));
      await notifier.close(force);
    },
  };
}
