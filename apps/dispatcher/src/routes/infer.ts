import type { Express } from 'express';
import { EnqueueItem, InferTimeout, JobStatus } from '@ai/contracts';
import { AppError, parseOrThrow, type RouteModule } from '@ai/http-server';
import { QueueUnavailableError } from '@ai/queue';
import type { ApiContext } from '../api-context';
import { acceptJobs } from '../accept-jobs';
import { errorDoc, redisUnavailableDoc } from './error-docs';

/**
 * POST /infer: the enqueue path, answered when the job is done. The wait is bounded by SYNC_TIMEOUT_MS;
 * then 504 with the job id so the client can poll GET /jobs/:id (the job keeps running). A job the inference
 * service refused (it answered 4xx: the input is at fault) is 422, any other failure 502.
 */
export function inferRoutes(ctx: ApiContext): RouteModule {
  return {
    docs: [
      {
        method: 'post',
        path: '/infer',
        summary: 'Queue one item and answer when it is done (bounded by SYNC_TIMEOUT_MS)',
        request: EnqueueItem,
        responses: {
          200: { description: 'Completed job', schema: JobStatus },
          400: errorDoc('Invalid body'),
          429: errorDoc('Backpressure or deadline admission'),
          422: errorDoc(
            'Inference refused the input (it answered 4xx, e.g. not a decodable image; `error.details.upstreamStatus`); the job failed without retries',
          ),
          502: errorDoc('The job failed for good'),
          503: redisUnavailableDoc,
          504: { description: 'Not done in time; poll GET /jobs/{jobId}', schema: InferTimeout },
        },
      },
    ],
    mount: (app) => mountInferRoute(app, ctx),
  };
}

function mountInferRoute(app: Express, ctx: ApiContext): void {
  app.post('/infer', async (req, res) => {
    const item = parseOrThrow(EnqueueItem, req.body);
    const submit = async () => (await acceptJobs(ctx, [item], (_index, field) => field))[0];
    const ended = await ctx.waiter.submitAndWait(item.model, submit, ctx.config.SYNC_TIMEOUT_MS).catch((error: unknown) => {
      throw error instanceof QueueUnavailableError ? ctx.redis.unavailable(error) : error;
    });
    if (ended.outcome === 'timeout') {
      res.status(504).json({
        error: { code: 'timeout', message: `not finished within ${ctx.config.SYNC_TIMEOUT_MS} ms; poll GET /jobs/${ended.jobId}`, jobId: ended.jobId },
      });
      return;
    }
    const { status } = ended;
    if (ended.outcome === 'failed') {
      const reason = status.failedReason ?? 'inference failed';
      const details = { jobId: ended.jobId, attempts: status.attempts, ...(status.upstreamStatus !== undefined && { upstreamStatus: status.upstreamStatus }) };
      const refused = status.upstreamStatus !== undefined && status.upstreamStatus >= 400 && status.upstreamStatus < 500;
      throw refused ? new AppError(422, 'input_rejected', reason, { details }) : new AppError(502, 'inference_failed', reason, { details });
    }
    res.json(status);
  });
}
