/** BullMQ limiter settings: at most `max` jobs started per `duration` ms, across every worker of the queue. */
export interface LimiterOptions {
  max: number;
  duration: number;
}

/**
 * Turns a drain rate in jobs/s into BullMQ limiter settings. BullMQ keeps the limiter counter in Redis per
 * queue, so the rate is global across all dispatcher replicas. Windows are kept short (about 100 ms) so the
 * drain is smooth instead of a burst of a whole second's jobs followed by a pause; fractional rates work
 * too (0.5/s = 1 job per 2 s). Returns undefined for 0 (unlimited).
 */
export function limiterFor(jobsPerSecond: number): LimiterOptions | undefined {
  if (!(jobsPerSecond > 0)) return undefined;
  const max = Math.max(1, Math.round(jobsPerSecond / 10));
  return { max, duration: Math.max(1, Math.round((max * 1000) / jobsPerSecond)) };
}
