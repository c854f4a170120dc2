import type { Processor } from 'bullmq';
import type { InferenceCallResult } from './inference-client';
import type { InferenceJobData, InferenceJobResult, InferenceTask } from './job-types';
import { publicJobId } from './queue-naming';

/** The one thing a processor needs from an inference client. */
export interface InferenceCaller {
  call(task: InferenceTask, body: unknown, signal?: AbortSignal, requestId?: string): Promise<InferenceCallResult>;
}

/**
 * The BullMQ processor: calls the model's inference service and returns the output with the attempt's
 * start time and inference time; enqueuedAt is in the job data and finishedAt is BullMQ's finishedOn. The
 * public job id travels as the call's request id.
 * Errors propagate as thrown by the client: retryable ones are retried with backoff, BullMQ's
 * UnrecoverableError fails the job at once.
 */
export function createJobProcessor(client: InferenceCaller): Processor<InferenceJobData, InferenceJobResult> {
  return async (job, _token, signal) => {
    const startedAt = Date.now();
    const call = await client.call(job.data.task, job.data.body, signal, publicJobId(job.data.model, String(job.id)));
    return {
      output: call.output,
      startedAt,
      inferenceMs: call.inferenceMs,
      upstream: call.upstream,
      ...(call.server && { server: call.server }),
    };
  };
}
