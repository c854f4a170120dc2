import { z } from 'zod';
import { Base64Image, GenerateRequest, InferenceTimings } from './inference';
import { ModelName } from './model-config';

/**
 * One unit of work. Exactly one of `image`, `features` or `prompt` is given; it decides which inference
 * endpoint the job is sent to (/infer, /predict, /generate).
 */
export const EnqueueItem = z
  .object({
    model: ModelName,
    image: Base64Image.optional(),
    features: z.array(z.number().finite()).min(1).max(100_000).optional(),
    prompt: z.string().min(1).max(100_000).optional(),
    topK: z.number().int().min(1).max(1000).optional(),
    generation: GenerateRequest.omit({ prompt: true, stream: true }).partial().optional(),
    callbackUrl: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    priority: z.number().int().min(0).max(2_097_152).optional().describe('0 (default) is served first; larger numbers wait.'),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'letters, digits and . _ : -, at most 128')
      .optional()
      .describe('Enqueuing the same key twice returns the first job instead of adding another.'),
    deadlineMs: z.number().int().positive().max(86_400_000).optional().describe('Reject at once (429) when the predicted queue wait exceeds this.'),
    clientRef: z.string().max(256).optional().describe('Opaque client reference echoed in the job and the callback.'),
  })
  .strict()
  .superRefine((item, ctx) => {
    const given = (['image', 'features', 'prompt'] as const).filter((k) => item[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? ['image'] : [given[1]],
        message: given.length === 0 ? 'one of image, features or prompt is required' : `give only one of image, features or prompt (got ${given.join(', ')})`,
      });
    }
  })
  .meta({ id: 'EnqueueItem' });
export type EnqueueItem = z.infer<typeof EnqueueItem>;

export const EnqueueBatch = z
  .object({ items: z.array(EnqueueItem).min(1).max(1000) })
  .strict()
  .meta({ id: 'EnqueueBatch' });
export type EnqueueBatch = z.infer<typeof EnqueueBatch>;

/** `POST /enqueue` takes one item or `{ items: [...] }`. */
export const EnqueueRequest = z.union([EnqueueBatch, EnqueueItem]);
export type EnqueueRequest = z.infer<typeof EnqueueRequest>;

export const EnqueueAccepted = z
  .object({
    jobId: z.string(),
    queuedAt: z.string().describe('ISO-8601 time the job entered the queue.'),
    duplicate: z.boolean().default(false).describe('True when an idempotency key matched an earlier job.'),
  })
  .meta({ id: 'EnqueueAccepted' });
export type EnqueueAccepted = z.infer<typeof EnqueueAccepted>;

export const EnqueueBatchAccepted = z.object({ jobs: z.array(EnqueueAccepted) }).meta({ id: 'EnqueueBatchAccepted' });
export type EnqueueBatchAccepted = z.infer<typeof EnqueueBatchAccepted>;

export const JobState = z.enum(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed', 'unknown']);
export type JobState = z.infer<typeof JobState>;

/** Wall-clock milestones of a job (epoch milliseconds) and the durations that follow from them. */
export const JobTimings = z.object({
  enqueuedAt: z.number(),
  startedAt: z.number().optional(),
  finishedAt: z.number().optional(),
  queueWaitMs: z.number().nonnegative().optional(),
  inferenceMs: z.number().nonnegative().optional().describe('Time of the upstream call that succeeded.'),
  e2eMs: z.number().nonnegative().optional(),
  server: InferenceTimings.optional().describe('Timings reported by the inference service.'),
});
export type JobTimings = z.infer<typeof JobTimings>;

export const JobStatus = z
  .object({
    jobId: z.string(),
    model: z.string(),
    state: JobState,
    clientRef: z.string().optional(),
    attempts: z.number().int().nonnegative(),
    result: z.unknown().optional(),
    failedReason: z.string().optional(),
    upstreamStatus: z
      .number()
      .int()
      .optional()
      .describe('For a failed job: the HTTP status the inference service answered its last attempt with (4xx: the input was refused).'),
    timings: JobTimings,
  })
  .meta({ id: 'JobStatus' });
export type JobStatus = z.infer<typeof JobStatus>;

/** Body POSTed to a job's `callbackUrl` when it completes or finally fails (the load tester's /storeLatency). */
export const JobCallback = z
  .object({
    jobId: z.string(),
    model: z.string(),
    status: z.enum(['completed', 'failed']),
    clientRef: z.string().optional(),
    attempts: z.number().int().nonnegative(),
    result: z.unknown().optional(),
    failedReason: z.string().optional(),
    upstreamStatus: JobStatus.shape.upstreamStatus,
    timings: JobTimings,
  })
  .meta({ id: 'JobCallback' });
export type JobCallback = z.infer<typeof JobCallback>;

/** 504 from the synchronous `/infer` when the bounded wait runs out: poll `GET /jobs/:id`. */
export const InferTimeout = z.object({ error: z.object({ code: z.literal('timeout'), message: z.string(), jobId: z.string() }) }).meta({ id: 'InferTimeout' });
