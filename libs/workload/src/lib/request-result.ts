import type { OutcomeKind } from './outcome-ledger';

/** What a request executor reports once a request is done (successfully or not). */
export interface RequestResult {
  outcome: 'completed' | 'failed';
  /** Why it failed: a short stable code such as `enqueue_429`, `network`, `inference_error`. */
  reason?: string;
  /** HTTP status of the first call (e.g. the 202 of /enqueue). */
  status?: number;
  /** When the first call was answered, ms from the run's origin. */
  acceptedAtMs?: number;
  jobId?: string;
  /** Time in the queue and in inference, as the server measured them. */
  queueWaitMs?: number;
  inferenceMs?: number;
  /** Tokens generated, for text-generation jobs (GenerateResponse.tokens). */
  tokens?: number;
  /** When the result was known, ms from the run's origin; default: when the promise resolved. */
  doneAtMs?: number;
}

/** Everything known about one request at the end: one row of requests.csv. */
export interface RequestRecord {
  seq: number;
  second: number;
  intendedMs: number;
  sentMs?: number;
  latenessMs?: number;
  outcome: OutcomeKind;
  reason?: string;
  status?: number;
  jobId?: string;
  /** Intended send → first answer (e.g. 202 of /enqueue). */
  acceptMs?: number;
  queueWaitMs?: number;
  inferenceMs?: number;
  /** Intended send → result; for timed-out requests at least the timeout. */
  e2eMs?: number;
  /** Tokens generated (text generation only). */
  tokens?: number;
}

/** A short failure code for an exception thrown by an executor. */
export function errorReason(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'aborted';
  return e?.code ?? e?.cause?.code ?? 'error';
}
