/**
 * The queue's defaults, in one place (the key prefix is DEFAULT_QUEUE_PREFIX, beside the key names): the library falls back to them and the dispatcher's environment
 * schema uses them as its defaults, so a default is never written twice.
 */
export const QUEUE_DEFAULTS = {
  /** Attempts per job, including the first. */
  attempts: 3,
  /** First retry delay, ms; doubled each retry. */
  backoffMs: 1_000,
  /** Completed jobs stay inspectable this long (s) and at most this many per model. */
  completedAgeSeconds: 3_600,
  completedCount: 10_000,
  /** Finally failed jobs (the dead-letter set) stay this long (s) and at most this many per model. */
  failedAgeSeconds: 7 * 86_400,
  failedCount: 100_000,
  /** Jobs in flight per model per process. */
  concurrency: 8,
  /** How often workers look for jobs whose worker died, ms. */
  stalledIntervalMs: 5_000,
  /** A job's lock lifetime without renewal, ms: a killed worker's jobs are recovered after it. */
  lockDurationMs: 10_000,
  /** Stalls tolerated before a job is failed. */
  maxStalledCount: 2,
  /** Timeout of one inference call, ms. */
  upstreamTimeoutMs: 30_000,
  /** Deliveries tried per callback, the first retry delay (ms, doubled each retry) and one delivery's timeout (ms). */
  callbackAttempts: 5,
  callbackBackoffMs: 200,
  callbackTimeoutMs: 5_000,
  /** Callback deliveries in flight per process. */
  callbackConcurrency: 32,
  /** Callbacks that failed for good stay in the callback queue's failed set this long (s) and at most this many. */
  callbackFailedAgeSeconds: 7 * 86_400,
  callbackFailedCount: 10_000,
  /** Longest an idle worker blocks waiting for a job, s: bounds how long shutdown and reconnects wait for it. */
  idlePollSeconds: 2,
} as const;
