import type { Express } from 'express';
import { EnqueueItem } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { QueueUnavailableError } from '@ai/queue';
import type { ApiContext } from '../api-context';
import { acceptJobs } from '../accept-jobs';

/**
 * POST /infer: the enqueue path, answered when the job is done. The wait is bounded by SYNC_TIMEOUT_MS;
 * then 504 with the job id so the client can poll GET /jobs/:id (the job keeps running). A job the inference
 * service refused (it answered 4xx: the input is at fault) is 422, any other failure 502.
 */
export function mountInferRoutes(app: Express, ctx: ApiContext): void {
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
