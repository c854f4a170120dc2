import { hostname } from 'node:os';
import IORedis from 'ioredis';
import type { Logger } from '@ai/observability';
import { reconnectDelay, redisOptionsFromUrl, ReplicaRegistration } from '@ai/redis-link';
import type { InferenceConfig } from './config';

export interface RegistryMembership {
  url: string;
  /** Joins once the model is ready; a Redis outage is logged and the heartbeat keeps trying. */
  join(): Promise<void>;
  /** Leaves (first thing on shutdown, so no new request is routed here) and closes the connection. */
  leave(): Promise<void>;
}

/** This replica's entry in the registry when REGISTRY_REDIS_URL is set, else undefined. */
export function registryMembership(config: InferenceConfig, model: string, port: number, logger: Logger): RegistryMembership | undefined {
  if (!config.REGISTRY_REDIS_URL) return undefined;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? hostname() : config.HOST;
  const url = config.ADVERTISE_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const redis = new IORedis({ ...redisOptionsFromUrl(config.REGISTRY_REDIS_URL), maxRetriesPerRequest: 1, retryStrategy: reconnectDelay, lazyConnect: true });
  redis.on('error', () => undefined); // reported through the heartbeat's onError
  const registration = new ReplicaRegistration({
    redis,
    model,
    url,
    ttlMs: config.REGISTRY_TTL_MS,
    onError: (error) => logger.warn('registry heartbeat failed', { error: error.message }),
  });
  return {
    url,
    async join() {
      try {
        await registration.join();
        logger.info('joined the replica registry', { model, url });
      } catch (error) {
        logger.warn('could not join the replica registry yet; retrying on the heartbeat', { model, url, error: (error as Error).message });
      }
    },
    async leave() {
      try {
        await registration.leave();
      } catch (error) {
        logger.warn('could not leave the replica registry; the entry expires after REGISTRY_TTL_MS', { error: (error as Error).message });
      }
      redis.disconnect();
    },
  };
}
