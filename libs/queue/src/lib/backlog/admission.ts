/** What the admission rule needs to know about one model's queue right now. */
export interface AdmissionInput {
  /** Jobs not yet started (waiting + prioritized + delayed), including ones this replica just added. */
  queued: number;
  /** Jobs ahead of a new one: waiting + prioritized + active (+ delayed retries). */
  backlog: number;
  /** How many new jobs the caller wants to add. */
  adding: number;
  /** `MAX_QUEUE_LENGTH`; 0 or undefined = no limit. */
  maxQueueLength?: number;
  /** The request's deadline, ms from now. */
  deadlineMs?: number;
  /** Drain rate measured over the last seconds (jobs/s), when there is one. */
  measuredRate?: number;
  /** `DRAIN_RATE` (jobs/s), the fallback when nothing was measured yet; 0 = unlimited. */
  configuredRate: number;
}

export type AdmissionDecision =
  | { admit: true; predictedWaitMs?: number }
  | { admit: false; reason: 'queue_full' | 'deadline'; message: string; retryAfterSeconds: number; predictedWaitMs?: number };

/** The rate used for predictions: what was measured, else the configured ceiling, else unknown. */
export function predictionRate(measuredRate: number | undefined, configuredRate: number): number | undefined {
  if (measuredRate !== undefined && measuredRate > 0) return measuredRate;
  return configuredRate > 0 ? configuredRate : undefined;
}

/**
 * Backpressure and deadline-aware admission, decided before anything is written to Redis.
 *
 * - Over `maxQueueLength` queued jobs: reject; Retry-After is the time the excess needs to drain.
 * - With a deadline: predicted wait = backlog / drain rate. When that already exceeds the deadline the
 *   job would be late, so reject at once; Retry-After is when the backlog will have drained enough for
 *   this deadline to be met.
 */
export function decideAdmission(input: AdmissionInput): AdmissionDecision {
  const rate = predictionRate(input.measuredRate, input.configuredRate);
  const predictedWaitMs = rate ? (input.backlog / rate) * 1000 : undefined;
  const max = input.maxQueueLength ?? 0;
  if (max > 0 && input.queued + input.adding > max) {
    const excess = input.queued + input.adding - max;
    return {
      admit: false,
      reason: 'queue_full',
      message: `queue for this model is full (${input.queued} queued, limit ${max})`,
      retryAfterSeconds: rate ? Math.max(1, excess / rate) : 1,
      predictedWaitMs,
    };
  }
  if (input.deadlineMs !== undefined && predictedWaitMs !== undefined && predictedWaitMs > input.deadlineMs) {
    return {
      admit: false,
      reason: 'deadline',
      message: `predicted queue wait ${Math.round(predictedWaitMs)} ms exceeds deadlineMs ${input.deadlineMs}`,
      retryAfterSeconds: Math.max(1, (predictedWaitMs - input.deadlineMs) / 1000),
      predictedWaitMs,
    };
  }
  return { admit: true, predictedWaitMs };
}
