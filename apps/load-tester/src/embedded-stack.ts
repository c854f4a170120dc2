import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { redisServerMissingMessage, startNodeService, startRedisServer, WORKSPACE_ROOT, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';

export interface EmbeddedStackOptions {
  model: string;
  /** Peak requests per second of the workload: the dispatcher's drain rate and concurrency are set above it. */
  peakRate: number;
  /** Called with progress lines ("starting redis-server ..."). */
  log?(line: string): void;
}

export interface EmbeddedStack {
  /** The dispatcher's URL: the target of the run. */
  target: string;
  stop(): Promise<void>;
}

/** Thrown when redis-server is not installed; its message says how to install it. */
export class RedisMissingError extends Error {}

/** The built bundle when there is one (as production runs it), else the TypeScript entry through tsx. */
export function serviceEntry(app: string): string {
  const built = join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js');
  return existsSync(built) ? built : join('apps', app, 'src', 'main.ts');
}

/**
 * Starts the whole stack on this machine for a run without --target: a private redis-server on a free
 * port, the inference service and the dispatcher as child processes. Whatever was started is stopped
 * again by `stop()`, also when a later start fails.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const missing = redisServerMissingMessage();
  if (missing) throw new RedisMissingError(missing);
  const log = options.log ?? (() => undefined);
  let redis: RunningRedisServer | undefined;
  const services: RunningNodeService[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
    await redis?.dispose().catch(() => undefined);
  };
  try {
    log('starting redis-server');
    redis = await startRedisServer();
    log(`starting inference (${options.model})`);
    const inference = await startNodeService({
      name: 'inference',
      entry: serviceEntry('inference'),
      env: { MODEL_NAME: options.model, LOG_LEVEL: 'warn', ORT_PROVIDERS: 'cpu' },
      readyPath: '/readyz',
      readyTimeoutMs: 120_000,
    });
    services.push(inference);
    log('starting dispatcher');
    const dispatcher = await startNodeService({
      name: 'dispatcher',
      entry: serviceEntry('dispatcher'),
      env: {
        REDIS_URL: redis.url,
        INFERENCE_URLS: `${options.model}=${inference.url}`,
        CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
        // The embedded stack measures the service, not a throttle: drain well above the workload's peak.
        DRAIN_RATE: String(Math.max(100, options.peakRate * 4)),
        CONCURRENCY: String(Math.min(256, Math.max(16, options.peakRate))),
        LOG_LEVEL: 'warn',
      },
      readyPath: '/ready',
      readyTimeoutMs: 120_000,
    });
    services.push(dispatcher);
    return { target: dispatcher.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
