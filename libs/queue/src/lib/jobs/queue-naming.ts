import { createHash, randomUUID } from 'node:crypto';

/** BullMQ's default key prefix; KEDA and dashboards read keys under it. */
export const DEFAULT_QUEUE_PREFIX = 'bull';

/**
 * The Redis keys of one model's queue. One BullMQ queue per model, named after the model, so these are
 * stable and documented: KEDA's redis scaler reads `wait` (a list) directly.
 */
export interface QueueKeys {
  /** List of jobs without priority waiting to start: `bull:<model>:wait`. */
  wait: string;
  /** Sorted set of waiting jobs that carry a priority: `bull:<model>:prioritized`. */
  prioritized: string;
  /** List of jobs being processed now: `bull:<model>:active`. */
  active: string;
  /** Sorted set of jobs waiting for a retry backoff to expire: `bull:<model>:delayed`. */
  delayed: string;
  /** Sorted set of finally failed jobs, the dead-letter set: `bull:<model>:failed`. */
  failed: string;
  /** Sorted set of completed jobs kept for GET /jobs/:id: `bull:<model>:completed`. */
  completed: string;
  /** Counter of jobs that left the queue (completed or finally failed), read by the drain-rate meter. */
  drained: string;
}

export function queueKeys(model: string, prefix = DEFAULT_QUEUE_PREFIX): QueueKeys {
  const base = `${prefix}:${model}`;
  return {
    wait: `${base}:wait`,
    prioritized: `${base}:prioritized`,
    active: `${base}:active`,
    delayed: `${base}:delayed`,
    failed: `${base}:failed`,
    completed: `${base}:completed`,
    drained: `${base}:drained`,
  };
}

/**
 * Public job ids are `<model>:<queue job id>` so GET /jobs/:id finds the queue without a lookup.
 * BullMQ forbids `:` inside custom ids, and model names cannot contain one, so the split is unambiguous.
 */
export function publicJobId(model: string, queueJobId: string): string {
  return `${model}:${queueJobId}`;
}

export function parsePublicJobId(id: string): { model: string; queueJobId: string } | undefined {
  const at = id.indexOf(':');
  if (at <= 0 || at === id.length - 1) return undefined;
  return { model: id.slice(0, at), queueJobId: id.slice(at + 1) };
}

/** A fresh queue job id (BullMQ rejects integer-looking custom ids; a UUID never looks like one). */
export function newQueueJobId(): string {
  return randomUUID();
}

/**
 * The queue job id for an idempotency key: deterministic, so BullMQ's "an id that exists is not added
 * again" gives atomic de-duplication; hashed, because keys may contain `:`.
 */
export function idempotentQueueJobId(idempotencyKey: string): string {
  return 'idem-' + createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
}
