/**
 * The one error type every route throws. The central error handler turns it into
 * `{ "error": { "code", "message", "field"? } }` with `status`. Whether a caller should try again follows from the
 * status alone (isRetryableStatus in @ai/http-client), so a route chooses the status and nothing else.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { field?: string; headers?: Record<string, string>; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
  }

  get field(): string | undefined {
    return this.options.field;
  }

  static badRequest(message: string, field?: string, details?: unknown): AppError {
    return new AppError(400, 'invalid_request', message, { field, details });
  }

  static notFound(message: string): AppError {
    return new AppError(404, 'not_found', message);
  }

  static payloadTooLarge(message: string, field?: string): AppError {
    return new AppError(413, 'payload_too_large', message, { field });
  }

  static tooManyRequests(message: string, retryAfterSeconds: number, code = 'too_many_requests'): AppError {
    return new AppError(429, code, message, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }

  static unavailable(message: string, retryAfterSeconds?: number): AppError {
    return new AppError(503, 'unavailable', message, {
      headers: retryAfterSeconds ? { 'Retry-After': String(Math.ceil(retryAfterSeconds)) } : undefined,
    });
  }

  static unauthorized(message = 'missing or invalid API key'): AppError {
    return new AppError(401, 'unauthorized', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}
