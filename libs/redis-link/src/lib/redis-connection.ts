import IORedis, { type RedisOptions } from 'ioredis';
import type { RedisOptions as BullRedisOptions } from 'bullmq';

/** ioredis options from a `redis://[user:password@]host:port[/db]` or `rediss://` URL. */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new Error(`not a redis:// URL: ${url}`);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password && { password: decodeURIComponent(parsed.password) }),
    ...(db && { db: Number(db) }),
    ...(parsed.protocol === 'rediss:' && { tls: {} }),
  };
}

/** How a lost Redis connection is retried: forever, waiting `initialMs`, then twice as long each time, up to `maxMs`. */
export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialMs: 100, maxMs: 2_000 };

/**
 * The wait before reconnect attempt `times` (1, 2, ...): capped exponential backoff, 100, 200, 400 ... ms up to
 * 2 s by default. Never gives up, so a Redis that is late or restarted heals without a process restart, and a
 * Redis away for long costs one connection attempt per connection every `maxMs`.
 */
export function reconnectDelay(times: number, policy: ReconnectPolicy = DEFAULT_RECONNECT): number {
  const exponent = Math.min(Math.max(0, times - 1), 30);
  return Math.min(policy.maxMs, Math.round(policy.initialMs * 2 ** exponent));
}

/**
 * Options for connections that BullMQ workers and queue-event listeners use: BullMQ requires
 * `maxRetriesPerRequest: null` there, so blocking commands wait through a Redis restart instead of failing.
 */
export function workerRedisOptions(url: string, policy: ReconnectPolicy = DEFAULT_RECONNECT): BullRedisOptions {
  return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: null, retryStrategy: (times: number) => reconnectDelay(times, policy) } as BullRedisOptions;
}

/**
 * The connection the API side shares between all its queues. While Redis is unreachable commands fail at
 * once (no offline queue), so /enqueue answers 503 promptly instead of hanging, and /ready reports false.
 * Attach an `error` listener at once (ioredis prints errors nobody listens to).
 */
export function createProducerConnection(url: string, policy: ReconnectPolicy = DEFAULT_RECONNECT): IORedis {
  return new IORedis({
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Concurrent requests' adds share one write to the socket.
    enableAutoPipelining: true,
    retryStrategy: (times: number) => reconnectDelay(times, policy),
    connectTimeout: 5_000,
  });
}
