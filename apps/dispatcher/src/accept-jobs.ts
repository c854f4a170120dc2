import { AppError } from '@ai/http-server';
import type { EnqueueAccepted, EnqueueItem } from '@ai/contracts';
import { decideAdmission } from '@ai/queue';
import type { ApiContext } from './api-context';

/**
 * The enqueue use case shared by /enqueue and /infer: checks models and callback hosts (400 naming the
 * field), applies backpressure and deadline admission per model (429 with Retry-After, nothing written),
 * then adds the jobs. `fieldPrefix` is "items.N." for batch items.
 */
export async function acceptJobs(
  ctx: ApiContext,
  items: readonly EnqueueItem[],
  fieldPath: (index: number, field: string) => string,
): Promise<EnqueueAccepted[]> {
  const perModel = new Map<string, { adding: number; deadlineMs?: number }>();
  items.forEach((item, index) => {
    if (!ctx.queues.has(item.model)) {
      ctx.metrics.rejected.inc({ reason: 'invalid' });
      throw AppError.badRequest(
        `${fieldPath(index, 'model')}: unknown model "${item.model}"; this dispatcher serves ${ctx.queues.models.join(', ')}`,
        fieldPath(index, 'model'),
      );
    }
    if (item.callbackUrl !== undefined && !ctx.allowlist.allows(item.callbackUrl)) {
      ctx.metrics.rejected.inc({ reason: 'invalid' });
      throw AppError.badRequest(`${fieldPath(index, 'callbackUrl')}: host is not in CALLBACK_ALLOWLIST`, fieldPath(index, 'callbackUrl'));
    }
    const entry = perModel.get(item.model) ?? { adding: 0 };
    entry.adding += 1;
    if (item.deadlineMs !== undefined) entry.deadlineMs = Math.min(entry.deadlineMs ?? Infinity, item.deadlineMs);
    perModel.set(item.model, entry);
  });
  for (const [model, { adding, deadlineMs }] of perModel) {
    const snapshot = ctx.monitor.snapshot(model);
    if (!snapshot) continue; // nothing sampled yet (Redis was down): adding will tell
    const decision = decideAdmission({
      queued: snapshot.queued,
      backlog: snapshot.backlog,
      adding,
      maxQueueLength: ctx.config.MAX_QUEUE_LENGTH,
      deadlineMs,
      measuredRate: snapshot.drainRate,
      configuredRate: ctx.config.DRAIN_RATE,
    });
    if (!decision.admit) {
      ctx.metrics.rejected.inc({ reason: decision.reason });
      throw AppError.tooManyRequests(
        `${model}: ${decision.message}`,
        decision.retryAfterSeconds,
        decision.reason === 'deadline' ? 'deadline_exceeded' : 'queue_full',
      );
    }
  }
  let accepted: EnqueueAccepted[];
  try {
    accepted = await ctx.queues.enqueue(items);
  } catch (error) {
    ctx.metrics.rejected.inc({ reason: 'unavailable' });
    ctx.redis.reportError('enqueue', error as Error);
    throw ctx.redis.unavailable(error as Error);
  }
  for (const [model, { adding }] of perModel) {
    ctx.monitor.noteAdded(model, adding);
    ctx.metrics.enqueued.inc({ model }, adding);
  }
  return accepted;
}
