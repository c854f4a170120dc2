import type IORedis from 'ioredis';
import { RepeatSuppressor, type Logger } from '@ai/observability';
import { AppError } from '@ai/http-server';
import { describeRedisError, RedisAvailability } from '@ai/queue';
import { createProducerConnection, type ReconnectPolicy } from '@ai/redis-link';

/** The process's way to Redis: the shared connection, whether it is reachable, and one place for every Redis error. */
export interface RedisLink {
  /** The shared (producer) connection. */
  redis: IORedis;
  availability: RedisAvailability;
  /**
   * Every Redis error of every connection this process has (the shared one, each queue's, each worker's, the event
   * listeners') comes here: logged as JSON through the one logger, each distinct error once per backoff step.
   */
  reportError(source: string, error: Error): void;
  /**
   * The 503 for a request that needs Redis while it is unreachable (or whose command just failed, `cause`): names
   * Redis, says since when and why, with Retry-After.
   */
  unavailable(cause?: Error): AppError;
  /** Closes the shared connection (quietly: a shutdown is no outage) and writes the repeats still owed. */
  close(): Promise<void>;
}

/**
 * Connects to Redis without waiting for it: the connection retries forever with capped exponential backoff, and
 * the process serves (503s, probes, metrics) meanwhile. Logs `redis connected` on the first connection, `redis
 * unreachable` when it is lost, `redis reachable again` (with how long it was away and how many errors that cost)
 * when it is back; the errors in between once per backoff step with a count.
 */
export function connectRedis(url: string, policy: ReconnectPolicy, logger: Logger): RedisLink {
  const repeats = new RepeatSuppressor(logger);
  const errorKeys = new Set<string>();
  let closing = false;
  const redis = createProducerConnection(url, policy);
  const availability: RedisAvailability = new RedisAvailability(redis, {
    up: ({ downForMs, first }) => {
      if (closing) return;
      let errors = 0;
      for (const key of errorKeys) errors += repeats.resolve(key)?.occurrences ?? 0;
      errorKeys.clear();
      if (first && errors === 0) logger.info('redis connected', { waitedMs: downForMs });
      else repeats.log('info', 'redis:up', first ? 'redis connected' : 'redis reachable again', { downForMs, errorsWhileDown: errors });
    },
    down: ({ lastError }) => {
      if (closing) return;
      repeats.log('warn', 'redis:down', 'redis unreachable; jobs are refused with 503 until it is back', { lastError, retryingUpToMs: policy.maxMs });
    },
  });
  const reportError = (source: string, error: Error) => {
    if (closing) return;
    const detail = describeRedisError(error);
    const key = `redis-error:${detail}`;
    errorKeys.add(key);
    repeats.log('warn', key, 'redis error', { source, error: detail, redis: availability.up ? 'up' : 'unreachable' });
  };
  redis.on('error', (error: Error) => reportError('shared connection', error));
  return {
    redis,
    availability,
    reportError,
    unavailable(cause) {
      const state = availability.snapshot();
      const retryAfter = Math.min(Math.ceil(policy.maxMs / 1000), Math.max(1, Math.ceil((state.retryInMs ?? 1000) / 1000)));
      const why =
        state.redis === 'up'
          ? `did not answer${cause ? ` (${describeRedisError(cause)})` : ''}`
          : `is unreachable since ${state.since}${state.lastError ? ` (${state.lastError})` : ''}`;
      return new AppError(503, 'unavailable', `the queue store (Redis) ${why}; try again shortly`, {
        headers: { 'Retry-After': String(retryAfter) },
        details: { dependency: 'redis', ...state },
      });
    },
    async close() {
      closing = true;
      await redis.quit().catch(() => redis.disconnect());
      repeats.flush();
    },
  };
}
