import type { Queue } from 'bullmq';

/** Jobs of one model's queue by state. */
export interface QueueDepth {
  waiting: number;
  prioritized: number;
  active: number;
  delayed: number;
  failed: number;
}

export const QUEUE_DEPTH_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/** Reads the counts of a queue in one round trip (BullMQ's getCounts script). */
export async function readQueueDepth(queue: Queue): Promise<QueueDepth> {
  const counts = await queue.getJobCounts(...QUEUE_DEPTH_STATES);
  return {
    waiting: counts['waiting'] ?? 0,
    prioritized: counts['prioritized'] ?? 0,
    active: counts['active'] ?? 0,
    delayed: counts['delayed'] ?? 0,
    failed: counts['failed'] ?? 0,
  };
}

/** The backlog autoscaling acts on: work waiting to start or running now (KEDA's target metric). */
export function backlogOf(depth: QueueDepth): number {
  return depth.waiting + depth.prioritized + depth.active;
}

/** Jobs accepted but not started: what MAX_QUEUE_LENGTH bounds. Delayed retries count, they will run again. */
export function queuedOf(depth: QueueDepth): number {
  return depth.waiting + depth.prioritized + depth.delayed;
}
