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

/** Reconnect forever, backing off to at most 2 s, so a Redis restart heals without a process restart. */
export function reconnectDelay(times: number): number {
  return Math.min(100 * times, 2_000);
}

/**
 * Options for connections that BullMQ workers and queue-event listeners use: BullMQ requires
 * `maxRetriesPerRequest: null` there, so blocking commands wait through a Redis restart instead of failing.
 */
export function workerRedisOptions(url: string): BullRedisOptions {
  return { ...redisOptionsFromUrl(url), maxRetriesPerRequest: null, retryStrategy: reconnectDelay } as BullRedisOptions;
}

/**
 * The connection the API side shares between all its queues. While Redis is unreachable commands fail at
 * once (no offline queue), so /enqueue answers 503 promptly instead of hanging, and /ready reports false.
 */
export function createProducerConnection(url: string): IORedis {
  return new IORedis({
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    // Concurrent requests' adds share one write to the socket.
    enableAutoPipelining: true,
    retryStrategy: reconnectDelay,
    connectTimeout: 5_000,
  });
}
