/** BullMQ limiter settings: at most `max` jobs started per `duration` ms, across every worker of the queue. */
export interface LimiterOptions {
  max: number;
  duration: number;
}

/**
 * Turns a drain rate in jobs/s into BullMQ limiter settings. BullMQ keeps the limiter counter in Redis per
 * queue, so the rate is global across all dispatcher replicas. A window opens when its first job starts and
 * the next one only when a worker asks again after it expired, so every window is stretched by a Redis
 * round trip plus timer lateness (1–20 ms, the more the busier the machine). One-second windows keep that
 * loss to about 1% at worst; shorter windows would smooth the start of each second's jobs but lose up to
 * several percent of the rate. Rates below 1/s get one job per 1/rate seconds. Returns undefined for 0
 * (unlimited).
 */
export function limiterFor(jobsPerSecond: number): LimiterOptions | undefined {
  if (!(jobsPerSecond > 0)) return undefined;
  if (jobsPerSecond < 1) return { max: 1, duration: Math.round(1000 / jobsPerSecond) };
  if (Number.isInteger(jobsPerSecond)) return { max: jobsPerSecond, duration: 1000 };
  // Fractional rates above 1/s: the window that holds a whole number of jobs, at most a few seconds long.
  for (let seconds = 1; seconds <= 10; seconds += 1) {
    const max = jobsPerSecond * seconds;
    if (Math.abs(max - Math.round(max)) < 1e-9) return { max: Math.round(max), duration: seconds * 1000 };
  }
  const max = Math.round(jobsPerSecond);
  return { max, duration: Math.round((max * 1000) / jobsPerSecond) };
}
