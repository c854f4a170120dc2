import { ErrorBody } from '@ai/contracts';

/** An error answer in the OpenAPI docs: every error has the shared `{ error: { code, message, field? } }` body. */
export const errorDoc = (description: string) => ({ description, schema: ErrorBody });

/** The 503 every Redis-backed route answers while Redis is unreachable. */
export const redisUnavailableDoc = errorDoc(
  'Redis unreachable: answered at once with Retry-After; `error.details` = `{ dependency: "redis", redis, since, lastError }`. The dispatcher reconnects by itself.',
);
