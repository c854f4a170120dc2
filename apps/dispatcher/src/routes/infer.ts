import type { Express } from 'express';
import { EnqueueItem, type JobStatus } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { inputRejectedUpstream, parsePublicJobId } from '@ai/queue';
import type { ApiContext } from '../api-context';
import { acceptJobs } from '../accept-jobs';

async function listening(ctx: ApiContext, model: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    ctx.waiter.ready(model).then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 2_000))),
  ]);
  clearTimeout(timer);
  if (!ready) throw ctx.redis.unavailable();
}

/** The job's status when it has completed or finally failed; undefined while it is still on its way. */
async function finishedStatus(ctx: ApiContext, publicJobId: string): Promise<(JobStatus & { state: 'completed' | 'failed' }) | undefined> {
  const status = await ctx.queues.status(publicJobId);
  return status?.state === 'completed' || status?.state === 'failed' ? (status as JobStatus & { state: 'completed' | 'failed' }) : undefined;
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
      const done = await finishedStatus(ctx, accepted.jobId);
      if (done) ctx.waiter.settle(model, queueJobId, done.state, done);
    }
    const waited = await finished;
    let settled = waited.status;
    if (waited.outcome === 'timeout') {
      // News of the end can be missed (Redis restarted under the listener, or a local attempt lost its lock and
      // another replica finished the job): look once before telling the client to poll.
      settled = await finishedStatus(ctx, accepted.jobId).catch(() => undefined);
      if (!settled) {
        res.status(504).json({
          error: { code: 'timeout', message: `not finished within ${ctx.config.SYNC_TIMEOUT_MS} ms; poll GET /jobs/${accepted.jobId}`, jobId: accepted.jobId },
        });
        return;
      }
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
