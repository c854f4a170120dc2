import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { createHttpApp, listen, type RouteModule } from '@ai/http-server';
import { CallbackAllowlist, CallbackNotifier, JobWaiter, ModelQueues, QueueMonitor } from '@ai/queue';
import { workerRedisOptions } from '@ai/redis-link';
import type { DispatcherConfig } from './config';
import type { ApiContext } from './api-context';
import { createDispatcherMetrics } from './metrics';
import { connectRedis } from './redis-link';
import { startWorkers, type RunningWorkers } from './workers';
import { apiGuards } from './routes/api-guards';
import { healthRoutes } from './routes/health';
import { enqueueRoutes } from './routes/enqueue';
import { jobRoutes } from './routes/jobs';
import { inferRoutes } from './routes/infer';

export interface RunningDispatcher {
  url: string;
  port: number;
  /** Graceful: stops taking jobs and requests, finishes active ones, closes every connection. */
  stop(): Promise<void>;
}

/**
 * Starts the dispatcher in this process: the API (ROLE all|api), the workers (ROLE all|worker), or both.
 * Worker-only processes still serve /health, /ready and /metrics.
 *
 * It listens at once, whether Redis is there or not. Without Redis, /health answers 200, /ready 503 with where
 * Redis stands, the API 503 with Retry-After, /metrics with `dispatcher_redis_up 0`; the connections retry with
 * capped exponential backoff, and the workers start when Redis first answers. After a later outage everything
 * resumes by itself. The returned promise waits (bounded) for the first connection, so callers that start the
 * dispatcher next to a running Redis find it ready.
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
  const reconnect = { initialMs: config.REDIS_RECONNECT_INITIAL_MS, maxMs: config.REDIS_RECONNECT_MAX_MS };
  const link = connectRedis(config.REDIS_URL, reconnect, logger);
  const { redis, availability } = link;
  const connection = () => workerRedisOptions(config.REDIS_URL, reconnect);

  let api: ApiContext | undefined;
  let draining = false;
  let stopping: Promise<void> | undefined;
  const apiParts =
    config.ROLE === 'worker'
      ? undefined
      : (() => {
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
            onError: (error, model) => link.reportError(`queue ${model}`, error),
          });
          const monitor = new QueueMonitor({
            queues,
            redis,
            prefix: config.QUEUE_PREFIX,
            isAvailable: () => availability.up,
            onError: (error) => link.reportError('queue monitor', error),
          });
          const waiter = new JobWaiter({
            queues,
            connection: connection(),
            prefix: config.QUEUE_PREFIX,
            onError: (error, model) => link.reportError(`job events ${model}`, error),
          });
          return { queues, monitor, waiter };
        })();
  const metrics = createDispatcherMetrics(registry, { redis: availability, ...apiParts });
  if (apiParts) {
    // Samples are skipped while Redis is unreachable; take one as soon as it answers (again).
    await apiParts.monitor.start();
    api = { config, logger, metrics, ...apiParts, allowlist: new CallbackAllowlist(config.CALLBACK_ALLOWLIST), redis: link };
  }

  // The workers start when Redis first answers (at once when it already does); BullMQ reconnects them after that.
  let workers: RunningWorkers | undefined;
  const startWorkersNow = () => {
    if (workers || stopping || config.ROLE === 'api') return;
    const notifier = new CallbackNotifier({
      connection: connection(),
      prefix: config.QUEUE_PREFIX,
      allowlist: new CallbackAllowlist(config.CALLBACK_ALLOWLIST),
      attempts: config.CALLBACK_ATTEMPTS,
      onOutcome: (outcome, url, detail) => {
        metrics.callbacks.inc({ status: outcome });
        if (outcome !== 'delivered') logger.warn('callback not delivered', { outcome, url, detail });
      },
      onError: (error) => link.reportError('callback worker', error),
    });
    workers = startWorkers(config, {
      logger,
      metrics,
      counter: redis,
      notifier,
      connection: connection(),
      onRedisError: link.reportError,
      // A synchronous /infer waiting in this process hears of its job at once, with the result in hand.
      waiter: api?.waiter,
    });
    logger.info('workers started', { models });
  };
  redis.on('ready', () => {
    startWorkersNow();
    void apiParts?.monitor.sample();
  });

  const routes: RouteModule[] = [healthRoutes({ config, redis, availability, startedAt, draining: () => draining })];
  if (api) routes.push(apiGuards(api), enqueueRoutes(api), jobRoutes(api), inferRoutes(api));
  const app = createHttpApp(
    {
      logger,
      registry,
      api: { title: 'dispatcher', version: '1', description: 'Queues inference work in Redis (BullMQ) and drains it at a set rate.' },
      jsonLimitBytes: config.BODY_LIMIT_BYTES,
    },
    routes,
  );
  const server = await listen(app, { port: config.PORT, host: config.HOST });
  logger.info('dispatcher started', {
    url: server.url,
    role: config.ROLE,
    models,
    drainRate: config.DRAIN_RATE,
    concurrency: config.CONCURRENCY,
    redis: availability.snapshot().redis,
  });

  // Listening already; give the first connection a moment, so a dispatcher started beside a running Redis is ready
  // (queues sampled, workers running) when this resolves. Without Redis this returns after the wait.
  if (await availability.whenUp(config.REDIS_STARTUP_WAIT_MS)) {
    startWorkersNow();
    await apiParts?.monitor.sample();
  } else {
    logger.warn('redis not reachable yet; serving probes and 503s, retrying in the background', {
      ...availability.snapshot(),
      retryingUpToMs: reconnect.maxMs,
    });
  }

  return {
    url: server.url,
    port: server.port,
    stop() {
      stopping ??= (async () => {
        draining = true;
        // /ready answers 503 from here on; keep serving until the balancers have noticed, then close.
        if (config.DRAIN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
        // Requests in flight (a sync /infer) may need the workers, so both wind down together. Without Redis there
        // is nothing to hand back: close at once rather than wait for a reconnect.
        await Promise.all([server.close(config.SHUTDOWN_GRACE_MS), workers?.close(!availability.up)]);
        await apiParts?.waiter.close(!availability.up);
        await apiParts?.monitor.stop();
        await apiParts?.queues.close();
        await link.close();
        logger.info('dispatcher stopped');
        logger.close();
      })();
      return stopping;
    },
  };
}
