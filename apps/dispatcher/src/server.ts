import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { AppError, createHttpApp, listen } from '@ai/http-server';
import { CallbackAllowlist, CallbackNotifier, JobWaiter, ModelQueues, QueueMonitor } from '@ai/queue';
import { workerRedisOptions } from '@ai/redis-link';
import type { DispatcherConfig } from './config';
import type { ApiContext } from './api-context';
import { createDispatcherMetrics } from './metrics';
import { dispatcherOpenApi } from './openapi';
import { connectRedis, type RedisLink } from './redis-link';
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

/** Answers 503 (naming Redis, with Retry-After) at once while Redis is unreachable, instead of letting the route wait. */
function requireRedis(link: RedisLink, refused: (req: Request) => void) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (link.availability.up) return next();
    refused(req);
    next(link.unavailable());
  };
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

  const app = createHttpApp({ logger, registry, openapi: dispatcherOpenApi(), jsonLimitBytes: config.BODY_LIMIT_BYTES }, (routes: Express) => {
    mountHealthRoutes(routes, { config, redis, availability, startedAt, draining: () => draining });
    if (!api) return;
    if (config.API_KEYS.length > 0) routes.use(['/enqueue', '/infer', '/jobs', '/dead-letter'], requireApiKey(config.API_KEYS));
    routes.use(
      ['/enqueue', '/infer', '/jobs', '/dead-letter'],
      requireRedis(link, (req) => {
        if (req.method === 'POST') metrics.rejected.inc({ reason: 'unavailable' });
      }),
    );
    mountEnqueueRoutes(routes, api);
    mountJobRoutes(routes, api);
    mountInferRoutes(routes, api);
  });
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
