import type { Express } from 'express';
import type IORedis from 'ioredis';
import type { DispatcherHealth, Readiness } from '@ai/contracts';
import type { DispatcherConfig } from '../config';

export interface HealthSource {
  config: DispatcherConfig;
  redis: IORedis;
  startedAt: number;
  draining(): boolean;
}

/** GET /health (always 200 while the process runs) and GET /ready (200 only while Redis answers). */
export function mountHealthRoutes(app: Express, source: HealthSource): void {
  app.get('/health', (_req, res) => {
    const body: DispatcherHealth = {
      status: source.draining() ? 'draining' : 'ok',
      role: source.config.ROLE,
      uptimeSeconds: (Date.now() - source.startedAt) / 1000,
      redis: source.redis.status as DispatcherHealth['redis'],
      models: Object.keys(source.config.INFERENCE_URLS),
    };
    res.json(body);
  });
  app.get('/ready', async (_req, res) => {
    let redis: Readiness['checks'][string];
    try {
      const pong = await Promise.race([
        source.redis.ping(),
        new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('ping timed out')), 1_000).unref()),
      ]);
      redis = { ok: pong === 'PONG' };
    } catch (error) {
      redis = { ok: false, message: `redis: ${(error as Error).message}` };
    }
    const draining = source.draining();
    const body: Readiness = { ready: redis.ok && !draining, checks: { redis, ...(draining && { shutdown: { ok: false, message: 'draining' } }) } };
    res.status(body.ready ? 200 : 503).json(body);
  });
}
