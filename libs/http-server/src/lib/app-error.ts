/**
 * The one error type every route throws. The central error handler turns it into
 * `{ "error": { "code", "message", "field"? } }` with `status`. `retryable` tells callers (the dispatcher)
 * whether trying again can help: a timeout can, a corrupt image cannot.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { field?: string; retryable?: boolean; headers?: Record<string, string>; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
  }

  get field(): string | undefined {
    return this.options.field;
  }

  get retryable(): boolean {
    return this.options.retryable ?? this.status >= 500;
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
      retryable: true,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }

  static unavailable(message: string, retryAfterSeconds?: number): AppError {
    return new AppError(503, 'unavailable', message, {
      retryable: true,
      headers: retryAfterSeconds ? { 'Retry-After': String(Math.ceil(retryAfterSeconds)) } : undefined,
    });
  }

  static unauthorized(message = 'missing or invalid API key'): AppError {
    return new AppError(401, 'unauthorized', message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}
