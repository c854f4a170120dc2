import { UnrecoverableError, type Job } from 'bullmq';

/**
 * Whether a failed attempt was the job's last: BullMQ sets `finishedOn` only when the job moved to the failed set
 * for good, and an UnrecoverableError ends it whatever attempts are left. Otherwise BullMQ will retry it.
 */
export function failedForGood(job: Job, error: Error): boolean {
  return typeof job.finishedOn === 'number' || error instanceof UnrecoverableError;
}
