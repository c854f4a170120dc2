import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_PATTERN } from '@ai/http-client';
import type { Logger } from '@ai/observability';

declare module 'express-serve-static-core' {
  interface Request {
    /** From the caller's X-Request-Id when it is well-formed, otherwise a fresh UUID; echoed in the response. */
    id: string;
  }
}

/** Gives every request an id (kept from X-Request-Id when sane) and echoes it back. */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.header('x-request-id');
    req.id = given && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

/** One JSON log line per request: request id, method, path, status, latency in ms. Probes log at debug. */
export function accessLog(logger: Logger, quietPaths: ReadonlySet<string>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Probes and scrapes log at debug, whatever they answer (a failing readiness probe is a state the app logs
      // once, not per probe). Other 5xx answers are warnings, unless the error handler has already logged why (with
      // the stack, counting repeats): then the access line is an ordinary one, so an outage costs no warning per request.
      const level = quietPaths.has(req.path) ? 'debug' : res.statusCode >= 500 && !res.locals.errorLogged ? 'warn' : 'info';
      // winston formats every line before its transports drop those below their level: skip that work.
      if (!logger.isLevelEnabled(level)) return;
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      logger.log(level, 'request', {
        requestId: req.id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        latencyMs: Math.round(latencyMs * 1000) / 1000,
      });
    });
    next();
  };
}
