import { z } from 'zod';
import {
  buildOpenApiDocument,
  DispatcherHealth,
  DispatcherReadiness,
  Liveness,
  EnqueueAccepted,
  EnqueueBatchAccepted,
  EnqueueItem,
  EnqueueRequest,
  ErrorBody,
  InferTimeout,
  JobStatus,
} from '@ai/contracts';

const error = (description: string) => ({ description, schema: ErrorBody });
const unavailable = error(
  'Redis unreachable: answered at once with Retry-After; `error.details` = `{ dependency: "redis", redis, since, lastError }`. The dispatcher reconnects by itself.',
);

/** The dispatcher's OpenAPI document, generated from the shared schemas. */
export function dispatcherOpenApi(): Record<string, unknown> {
  return buildOpenApiDocument({ title: 'dispatcher', version: '1', description: 'Queues inference work in Redis (BullMQ) and drains it at a set rate.' }, [
    {
      method: 'post',
      path: '/enqueue',
      summary: 'Queue one item or a batch `{ items }`',
      request: EnqueueRequest,
      responses: {
        202: { description: 'Accepted (one item)', schema: z.union([EnqueueAccepted, EnqueueBatchAccepted]) },
        400: error('Invalid body, unknown model or callback host not allowed; names the field'),
        413: error('Body too large'),
        429: error('Queue full (queue_full) or predicted wait beyond deadlineMs (deadline_exceeded); see Retry-After'),
        503: unavailable,
      },
    },
    {
      method: 'get',
      path: '/jobs/{id}',
      summary: 'State, result, attempts and timings of a job',
      responses: { 200: { description: 'The job', schema: JobStatus }, 404: error('Unknown job'), 503: unavailable },
    },
    {
      method: 'get',
      path: '/dead-letter/{model}',
      summary: 'Finally failed jobs of a model, newest first',
      responses: { 200: { description: '{ model, jobs: JobStatus[] }' }, 404: error('Unknown model') },
    },
    {
      method: 'post',
      path: '/infer',
      summary: 'Queue one item and answer when it is done (bounded by SYNC_TIMEOUT_MS)',
      request: EnqueueItem,
      responses: {
        200: { description: 'Completed job', schema: JobStatus },
        400: error('Invalid body'),
        429: error('Backpressure or deadline admission'),
        422: error('Inference refused the input (a 4xx upstream, e.g. not a decodable image); the job failed without retries'),
        502: error('The job failed for good'),
        503: unavailable,
        504: { description: 'Not done in time; poll GET /jobs/{jobId}', schema: InferTimeout },
      },
    },
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
  ]);
}
