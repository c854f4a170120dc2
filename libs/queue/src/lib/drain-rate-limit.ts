/** BullMQ limiter settings: at most `max` jobs started per `duration` ms, across every worker of the queue. */
export interface LimiterOptions {
  max: number;
  duration: number;
}

/**
 * Turns a drain rate in jobs/s into BullMQ limiter settings. BullMQ keeps the limiter counter in Redis per
 * queue, so the rate is global across all dispatcher replicas. A window opens when its first job starts and
 * the next one only when a worker asks again after it expired, so every window is stretched by about one
 * Redis round trip plus timer lateness (1–10 ms, more on a busy machine): windows of about 500 ms keep that
 * loss to about 1% while the drain stays smoother than a burst of a whole second's jobs then a pause. Fractional rates work too (0.5/s = 1 job per
 * 2 s). Returns undefined for 0 (unlimited).
 */
export function limiterFor(jobsPerSecond: number): LimiterOptions | undefined {
  if (!(jobsPerSecond > 0)) return undefined;
  const max = Math.max(1, Math.round(jobsPerSecond / 2));
  return { max, duration: Math.max(1, Math.round((max * 1000) / jobsPerSecond)) };
}
