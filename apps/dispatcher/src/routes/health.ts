import type { Express } from 'express';
import type IORedis from 'ioredis';
import { DispatcherHealth, DispatcherReadiness, Liveness, type Readiness } from '@ai/contracts';
import type { RouteModule } from '@ai/http-server';
import type { RedisAvailability } from '@ai/queue';
import type { DispatcherConfig } from '../config';

export interface HealthSource {
  config: DispatcherConfig;
  redis: IORedis;
  availability: RedisAvailability;
  startedAt: number;
  draining(): boolean;
}

/**
 * The probes every service has: GET /healthz (liveness: 200 while the process runs, with or without Redis),
 * GET /readyz (readiness: 200 only while Redis answers; otherwise 503 with `redis: "unreachable"`, since when,
 * and the last error) and GET /health (liveness with the role, Redis state and models). GET /ready is kept as
 * an alias of /readyz for existing deployments.
 */
export function healthRoutes(source: HealthSource): RouteModule {
  return {
    docs: [
      {
        method: 'get',
        path: '/healthz',
        summary: 'Liveness: 200 while the process runs, with or without Redis',
        responses: { 200: { description: 'Alive', schema: Liveness } },
      },
      {
        method: 'get',
        path: '/health',
        summary: 'Liveness with role, Redis state and models',
        responses: { 200: { description: 'Health', schema: DispatcherHealth } },
      },
      {
        method: 'get',
        path: '/readyz',
        summary: 'Ready while Redis answers (also served at /ready)',
        responses: {
          200: { description: 'Ready', schema: DispatcherReadiness },
          503: { description: 'Not ready: `redis: "unreachable"` with `since` and `lastError`, or draining', schema: DispatcherReadiness },
        },
      },
    ],
    mount: (app) => mountHealthRoutes(app, source),
  };
}

function mountHealthRoutes(app: Express, source: HealthSource): void {
  // When the connection looks up but a PING fails (Redis hung), since when.
  let pingFailingSince: number | undefined;

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
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
  app.get(['/readyz', '/ready'], async (_req, res) => {
    let reachability = source.availability.snapshot();
    let check: Readiness['checks'][string];
    if (!source.availability.up) {
      // No round trip: the connection is down and retrying; a PING would only fail.
      check = { ok: false, message: `redis: unreachable${reachability.lastError ? ` (${reachability.lastError})` : ''}` };
    } else {
      try {
        const pong = await Promise.race([
          source.redis.ping(),
          new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error('ping timed out')), 1_000).unref()),
        ]);
        check = { ok: pong === 'PONG' };
        pingFailingSince = undefined;
      } catch (error) {
        const message = (error as Error).message;
        pingFailingSince ??= Date.now();
        check = { ok: false, message: `redis: ${message}` };
        reachability = { redis: 'unreachable', since: new Date(pingFailingSince).toISOString(), lastError: message };
      }
    }
    const draining = source.draining();
    const body: DispatcherReadiness = {
      ready: check.ok && !draining,
      ...reachability,
      checks: { redis: check, ...(draining && { shutdown: { ok: false, message: 'draining' } }) },
    };
    res.status(body.ready ? 200 : 503).json(body);
  });
}
