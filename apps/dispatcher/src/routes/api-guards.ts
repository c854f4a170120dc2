import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { AppError, type RouteModule } from '@ai/http-server';
import type { ApiContext } from '../api-context';
import type { RedisLink } from '../redis-link';

/** The API's paths: what the key check and the Redis check guard (the probes and /metrics stay open). */
const API_PATHS = ['/enqueue', '/infer', '/jobs', '/dead-letter'];

/**
 * Middleware in front of the API routes: the API key (when API_KEYS is set), then Redis (503 at once while it is
 * unreachable). No routes of its own, so no docs.
 */
export function apiGuards(ctx: ApiContext): RouteModule {
  return {
    docs: [],
    mount: (app) => {
      if (ctx.config.API_KEYS.length > 0) app.use(API_PATHS, requireApiKey(ctx.config.API_KEYS));
      app.use(
        API_PATHS,
        requireRedis(ctx.redis, (req) => {
          if (req.method === 'POST') ctx.metrics.rejected.inc({ reason: 'unavailable' });
        }),
      );
    },
  };
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
