/**
 * A failed upstream call that may succeed when tried again: a timeout, a connection error, a 5xx, 408 or
 * 429. The worker lets BullMQ retry it with backoff. Unrecoverable failures (other 4xx: the input itself is
 * wrong) are thrown as BullMQ's `UnrecoverableError` instead, so they are never retried.
 */
export class RetryableUpstreamError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RetryableUpstreamError';
  }
}
