import type { ErrorRequestHandler, RequestHandler } from 'express';
import { RepeatSuppressor, type Logger } from '@ai/observability';
import { Counter, type Registry } from 'prom-client';
import { AppError } from './app-error';

/** Errors raised by express.json() / express.raw() carry a `type` and a `status`. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const bodyError = error as BodyParserError;
  switch (bodyError?.type) {
    case 'entity.too.large':
      return AppError.payloadTooLarge(`body: request body exceeds the ${bodyError.limit ?? ''} byte limit`.replace('  ', ' '), 'body');
    case 'entity.parse.failed':
      return AppError.badRequest('body: malformed JSON', 'body');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_media_type', `body: ${bodyError.message}`, { field: 'body' });
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'body: the client aborted the request');
  }
  if (typeof bodyError?.status === 'number' && bodyError.status >= 400 && bodyError.status < 500) {
    return new AppError(bodyError.status, 'invalid_request', bodyError.message);
  }
  return new AppError(500, 'internal_error', 'internal error', { cause: error });
}

/** 404 for every path no route matched. */
export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(AppError.notFound(`no route for ${req.method} ${req.path}`));
}

/**
 * The central error handler: one JSON shape for every error, logged with the request id and counted.
 * Stack traces go to the log, never to the client. Server-side errors that repeat (every request refused while a
 * dependency is down, the same failure on every call) are logged once per backoff step with a count, not per request.
 */
export function errorHandler(logger: Logger, registry: Registry): ErrorRequestHandler {
  const errors = new Counter({
    name: 'http_errors_total',
    help: 'Error responses by HTTP status and error code.',
    labelNames: ['status', 'code'] as const,
    registers: [registry],
  });
  const repeats = new RepeatSuppressor(logger);
  return (error, req, res, _next) => {
    const appError = toAppError(error);
    errors.inc({ status: String(appError.status), code: appError.code });
    if (appError.code === 'internal_error') {
      const detail = (error as Error)?.stack ?? String(error);
      repeats.log('error', `failed:${detail.split('\n', 1)[0].slice(0, 200)}`, 'request failed', { requestId: req.id, path: req.path, error: detail });
      res.locals.errorLogged = true;
    } else if (appError.status >= 500) {
      // Deliberate 5xx answers (unavailable while Redis is away, upstream timeouts) are expected operating states.
      repeats.log('warn', `refused:${appError.status}:${appError.code}`, 'request refused', {
        requestId: req.id,
        path: req.path,
        status: appError.status,
        code: appError.code,
        reason: appError.message,
      });
      res.locals.errorLogged = true;
    } else {
      logger.debug('request rejected', { requestId: req.id, path: req.path, code: appError.code, reason: appError.message });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(appError.options.headers ?? {})) res.setHeader(name, value);
    res.status(appError.status).json({
      error: {
        code: appError.code,
        message: appError.message,
        ...(appError.field && { field: appError.field }),
        ...(appError.options.details !== undefined && { details: appError.options.details }),
        requestId: req.id,
      },
    });
  };
}
