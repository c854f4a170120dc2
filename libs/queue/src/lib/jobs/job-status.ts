import { UnrecoverableError, type Job } from 'bullmq';
import type { JobCallback, JobState, JobStatus, JobTimings } from '@ai/contracts';
import type { InferenceJobData, InferenceJobResult } from './job-types';
import { publicJobId } from './queue-naming';

const STATES: Record<string, JobState> = {
  waiting: 'waiting',
  'waiting-children': 'waiting',
  paused: 'waiting',
  prioritized: 'prioritized',
  delayed: 'delayed',
  active: 'active',
  completed: 'completed',
  failed: 'failed',
};

export type InferenceJob = Job<InferenceJobData, InferenceJobResult>;

/**
 * The milestones of a job and the durations that follow. `startedAt` is when the attempt that produced the
 * outcome began, so `queueWaitMs` includes time spent waiting between retries.
 */
export function jobTimings(job: InferenceJob): JobTimings {
  const enqueuedAt = job.data?.enqueuedAt ?? job.timestamp;
  const result = job.returnvalue as InferenceJobResult | null | undefined;
  const startedAt = result?.startedAt ?? job.processedOn ?? undefined;
  const finishedAt = job.finishedOn ?? undefined;
  return {
    enqueuedAt,
    ...(startedAt !== undefined && { startedAt, queueWaitMs: Math.max(0, startedAt - enqueuedAt) }),
    ...(finishedAt !== undefined && { finishedAt, e2eMs: Math.max(0, finishedAt - enqueuedAt) }),
    ...(result?.inferenceMs !== undefined && { inferenceMs: result.inferenceMs }),
    ...(result?.server && { server: result.server }),
  };
}

/** The API view of a job (GET /jobs/:id). */
export function jobStatusOf(job: InferenceJob, state: string): JobStatus {
  const result = job.returnvalue as InferenceJobResult | null | undefined;
  return {
    jobId: publicJobId(job.data.model, String(job.id)),
    model: job.data.model,
    state: STATES[state] ?? 'unknown',
    ...(job.data.clientRef !== undefined && { clientRef: job.data.clientRef }),
    attempts: job.attemptsMade,
    ...(result?.output !== undefined && { result: result.output }),
    ...(job.failedReason && { failedReason: job.failedReason }),
    ...(state === 'failed' && job.data.upstreamStatus !== undefined && { upstreamStatus: job.data.upstreamStatus }),
    timings: jobTimings(job),
  };
}

/** The body POSTed to callbackUrl once a job completed or finally failed. */
export function jobCallbackOf(job: InferenceJob, status: 'completed' | 'failed'): JobCallback {
  const { state: _state, ...rest } = jobStatusOf(job, status);
  return { ...rest, status };
}

/**
 * Whether a failed attempt was the job's last: BullMQ sets `finishedOn` only when the job moved to the failed set
 * for good, and an UnrecoverableError ends it whatever attempts are left. Otherwise BullMQ will retry it.
 */
export function failedForGood(job: Job, error: Error): boolean {
  return typeof job.finishedOn === 'number' || error instanceof UnrecoverableError;
}
