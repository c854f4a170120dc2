import type { Express } from 'express';
import { EnqueueItem } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { inputRejectedUpstream, parsePublicJobId } from '@ai/queue';
import type { ApiContext } from '../api-context';
import { acceptJobs } from '../accept-jobs';

async function listening(ctx: ApiContext, model: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    ctx.waiter.ready(model).then(() => true, () => false),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2_000))),
  ]);
  clearTimeout(timer);
  if (!ready) throw AppError.unavailable('the queue store (Redis) is unreachable; try again shortly', 1);
}

/**
 * POST /infer: the enqueue path, answered when the job is done. The wait is bounded by SYNC_TIMEOUT_MS;
 * then 504 with the job id so the client can poll GET /jobs/:id (the job keeps running).
 */
export function mountInferRoutes(app: Express, ctx: ApiContext): void {
  app.post('/infer', async (req, res) => {
    const item = parseOrThrow(EnqueueItem, req.body);
    // Listen before adding, so the completion event cannot be missed; bounded, as Redis may be down.
    if (ctx.queues.has(item.model)) await listening(ctx, item.model);
    const [accepted] = await acceptJobs(ctx, [item], (_index, field) => field);
    const { model, queueJobId } = parsePublicJobId(accepted.jobId) as { model: string; queueJobId: string };
    const finished = ctx.waiter.wait(model, queueJobId, ctx.config.SYNC_TIMEOUT_MS);
    // An idempotent duplicate may have finished before we started listening.
    if (accepted.duplicate) {
      const now = await ctx.queues.status(accepted.jobId);
      if (now?.state === 'completed' || now?.state === 'failed') ctx.waiter.settle(model, queueJobId, now.state, now);
    }
    let { outcome, status: settled } = await finished;
    if (outcome === 'timeout') {
      // News of the end can be missed (Redis restarted under the listener, or a local attempt lost its lock and
      // another replica finished the job): look once before telling the client to poll.
      const now = await ctx.queues.status(accepted.jobId).catch(() => undefined);
      if (now?.state === 'completed' || now?.state === 'failed') ({ outcome, status: settled } = { outcome: now.state, status: now });
    }
    if (outcome === 'timeout') {
      res.status(504).json({
        error: { code: 'timeout', message: `not finished within ${ctx.config.SYNC_TIMEOUT_MS} ms; poll GET /jobs/${accepted.jobId}`, jobId: accepted.jobId },
      });
      return;
    }
    const status = settled ?? (await ctx.queues.status(accepted.jobId));
    if (!status) throw AppError.unavailable('the job finished but could not be read back', 1);
    if (status.state === 'failed') {
      const reason = status.failedReason ?? 'inference failed';
      const details = { jobId: accepted.jobId, attempts: status.attempts };
      if (inputRejectedUpstream(reason)) throw new AppError(422, 'input_rejected', reason, { details });
      throw new AppError(502, 'inference_failed', reason, { details });
    }
    res.json(status);
  });
}
