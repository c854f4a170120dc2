import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import type IORedis from 'ioredis';
import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { AppError, createHttpApp, listen } from '@ai/http-server';
import { CallbackAllowlist, CallbackNotifier, createProducerConnection, JobWaiter, jobStatusOf, ModelQueues, QueueMonitor, workerRedisOptions } from '@ai/queue';
import type { DispatcherConfig } from './config';
import type { ApiContext } from './api-context';
import { createDispatcherMetrics } from './metrics';
import { dispatcherOpenApi } from './openapi';
import { startWorkers, type RunningWorkers } from './workers';
import { mountHealthRoutes } from './routes/health';
import { mountEnqueueRoutes } from './routes/enqueue';
import { mountJobRoutes } from './routes/jobs';
import { mountInferRoutes } from './routes/infer';

export interface RunningDispatcher {
  url: string;
  port: number;
  /** Graceful: stops taking jobs and requests, finishes active ones, closes every connection. */
  stop(): Promise<void>;
}

function waitUntilReady(redis: IORedis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    function done() {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    }
    redis.once('ready', done);
  });
}

/**
 * Requires `Authorization: Bearer <key>` on the API routes when API_KEYS is set. Keys are compared as SHA-256
 * digests with timingSafeEqual, so neither the time taken nor an early length mismatch tells a caller how much of
 * a guess was right; every configured key is checked on every request.
 */
function requireApiKey(keys: readonly string[]) {
  const digest = (key: string) => createHash('sha256').update(key).digest();
  const allowed = keys.map(digest);
  return (req: Request, _res: Response, next: NextFunction) => {
    const key = req.header('authorization')?.replace(/^Bearer\s+/i, '');
    const given = digest(key ?? '');
    let match = false;
    for (const candidate of allowed) match = timingSafeEqual(candidate, given) || match;
    next(key && match ? undefined : AppError.unauthorized());
  };
}

/**
 * Starts the dispatcher in this process: the API (ROLE all|api), the workers (ROLE all|worker), or both.
 * Worker-only processes still serve /health, /ready and /metrics.
 */
export interface StartOptions {
  /** A logger to use instead of one built from the config. */
  logger?: Logger;
}

export async function start(config: DispatcherConfig, options: StartOptions = {}): Promise<RunningDispatcher> {
  const startedAt = Date.now();
  const logger = options.logger ?? createLogger({ service: 'dispatcher', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  const registry = createMetricsRegistry({ service: 'dispatcher' });
  const models = Object.keys(config.INFERENCE_URLS);
  const redis = createProducerConnection(config.REDIS_URL);
  let lastRedisError = 0;
  redis.on('error', (error: Error) => {
    // ioredis reports every failed reconnect; one line per 10 s is enough.
    if (Date.now() - lastRedisError > 10_000) logger.warn('redis connection error', { error: error.message });
    lastRedisError = Date.now();
  });

  // Commands fail fast while disconnected, so give the first connection a moment before sampling queues;
  // without Redis the process still starts (and reports not ready) and reconnects by itself.
  await waitUntilReady(redis, 5_000);

  let api: ApiContext | undefined;
  let draining = false;
  const apiParts = config.ROLE === 'worker' ? undefined : (() => {
    const queues = new ModelQueues({
      models,
      connection: redis,
      prefix: config.QUEUE_PREFIX,
      attempts: config.ATTEMPTS,
      backoffMs: config.BACKOFF_MS,
      retention: {
        completedAgeSeconds: config.COMPLETED_RETENTION_SECONDS,
        completedCount: config.COMPLETED_RETENTION_COUNT,
        failedAgeSeconds: config.FAILED_RETENTION_SECONDS,
        failedCount: config.FAILED_RETENTION_COUNT,
      },
    });
    const monitor = new QueueMonitor({ queues, redis, prefix: config.QUEUE_PREFIX, onError: () => undefined });
    const waiter = new JobWaiter({ models, connection: workerRedisOptions(config.REDIS_URL), prefix: config.QUEUE_PREFIX });
    return { queues, monitor, waiter };
  })();
  const metrics = createDispatcherMetrics(registry, apiParts);
  if (apiParts) {
    await apiParts.monitor.start();
    api = { config, logger, metrics, ...apiParts, allowlist: new CallbackAllowlist(config.CALLBACK_ALLOWLIST) };
  }

  let workers: RunningWorkers | undefined;
  if (config.ROLE !== 'api') {
    const notifier = new CallbackNotifier({
      connection: workerRedisOptions(config.REDIS_URL),
      prefix: config.QUEUE_PREFIX,
      allowlist: new CallbackAllowlist(config.CALLBACK_ALLOWLIST),
      attempts: config.CALLBACK_ATTEMPTS,
      onOutcome: (outcome, url, detail) => {
        metrics.callbacks.inc({ status: outcome });
        if (outcome !== 'delivered') logger.warn('callback not delivered', { outcome, url, detail });
      },
      onError: (error) => logger.warn('callback worker error', { error: error.message }),
    });
    const waiter = api?.waiter;
    workers = startWorkers(config, {
      logger,
      metrics,
      counter: redis,
      notifier,
      // A synchronous /infer waiting in this process hears of its job at once, with the result in hand.
      localJobs: waiter && {
        started: (model, job) => waiter.workerStarted(model, String(job.id)),
        finished: (model, job, outcome) => {
          const id = String(job.id);
          if (waiter.waitsFor(model, id)) waiter.workerFinished(model, id, outcome, jobStatusOf(job, outcome));
        },
        willRetry: (model, job) => waiter.workerWillRetry(model, String(job.id)),
      },
    });
  }

  const app = createHttpApp({ logger, registry, openapi: dispatcherOpenApi(), jsonLimitBytes: config.BODY_LIMIT_BYTES }, (routes: Express) => {
    mountHealthRoutes(routes, { config, redis, startedAt, draining: () => draining });
    if (!api) return;
    if (config.API_KEYS.length > 0) routes.use(['/enqueue', '/infer', '/jobs', '/dead-letter'], requireApiKey(config.API_KEYS));
    mountEnqueueRoutes(routes, api);
    mountJobRoutes(routes, api);
    mountInferRoutes(routes, api);
  });
  const server = await listen(app, { port: config.PORT, host: config.HOST });
  logger.info('dispatcher started', { url: server.url, role: config.ROLE, models, drainRate: config.DRAIN_RATE, concurrency: config.CONCURRENCY });

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    stop() {
      stopping ??= (async () => {
        draining = true;
        // /ready answers 503 from here on; keep serving until the balancers have noticed, then close.
        if (config.DRAIN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
        // Requests in flight (a sync /infer) may need the workers, so both wind down together.
        await Promise.all([server.close(config.SHUTDOWN_GRACE_MS), workers?.close()]);
        await apiParts?.waiter.close();
        await apiParts?.monitor.stop();
        await apiParts?.queues.close();
        await redis.quit().catch(() => redis.disconnect());
        logger.info('dispatcher stopped');
        logger.close();
      })();
      return stopping;
    },
  };
}
