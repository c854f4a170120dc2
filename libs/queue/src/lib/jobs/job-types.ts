import type { EnqueueItem, InferenceTimings } from '@ai/contracts';

/** Which inference endpoint a job goes to: decided by which input the item carries. */
export type InferenceTask = 'infer' | 'predict' | 'generate';

/** What a queued job carries in Redis: the request as validated, plus bookkeeping. */
export interface InferenceJobData {
  model: string;
  task: InferenceTask;
  /** The JSON body for the inference endpoint (InferRequest, PredictRequest or GenerateRequest). */
  body: Record<string, unknown>;
  callbackUrl?: string;
  clientRef?: string;
  /** Epoch ms when the API accepted the job. */
  enqueuedAt: number;
  /** Random per enqueue call: tells an idempotent duplicate from the job this call added. */
  nonce: string;
  /** The HTTP status of the inference service's answer to the last failed attempt, when it answered one. */
  upstreamStatus?: number;
}

/** What a completed job stores as its return value. */
export interface InferenceJobResult {
  /** The inference service's answer, as it sent it. */
  output: unknown;
  /** Epoch ms when the attempt that succeeded started. */
  startedAt: number;
  /** Duration of the upstream call that succeeded. */
  inferenceMs: number;
  /** The upstream URL that answered (useful when a model has several). */
  upstream: string;
  /** The server-side timings the inference service reported, when it did. */
  server?: InferenceTimings;
}

/** The name every job carries in BullMQ (one queue per model already says what it is). */
export const JOB_NAME = 'inference';

/** Maps an enqueue item to the job payload: picks the endpoint and builds its request body. */
export function toJobData(item: EnqueueItem, enqueuedAt: number, nonce: string): InferenceJobData {
  let task: InferenceTask;
  let body: Record<string, unknown>;
  if (item.image !== undefined) {
    task = 'infer';
    body = { image: item.image, ...(item.topK !== undefined && { topK: item.topK }) };
  } else if (item.features !== undefined) {
    task = 'predict';
    body = { features: item.features };
  } else {
    task = 'generate';
    body = { ...item.generation, prompt: item.prompt, stream: false };
  }
  return {
    model: item.model,
    task,
    body,
    enqueuedAt,
    nonce,
    ...(item.callbackUrl !== undefined && { callbackUrl: item.callbackUrl }),
    ...(item.clientRef !== undefined && { clientRef: item.clientRef }),
  };
}
