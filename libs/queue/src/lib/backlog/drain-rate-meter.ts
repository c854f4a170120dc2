export interface DrainRateMeterOptions {
  /** Width of the sliding window, ms. Default 10 000 (the `dispatcher_drain_rate` definition). */
  windowMs?: number;
}

interface Sample {
  at: number;
  count: number;
}

/**
 * Jobs drained per second over a sliding window, from samples of a monotonically increasing counter
 * (the shared Redis counter every worker increments). Works from counter samples rather than local
 * events so every API replica sees the drain of all workers.
 */
export class DrainRateMeter {
  private readonly windowMs: number;
  private readonly samples: Sample[] = [];

  constructor(options: DrainRateMeterOptions = {}) {
    this.windowMs = options.windowMs ?? 10_000;
    if (!(this.windowMs > 0)) throw new Error('windowMs must be positive');
  }

  /** Records the counter value seen at `at` (epoch ms). A counter that went down (a Redis reset) restarts the window. */
  record(count: number, at = Date.now()): void {
    const last = this.samples[this.samples.length - 1];
    if (last && (count < last.count || at < last.at)) this.samples.length = 0;
    this.samples.push({ at, count });
    // Keep one sample older than the window so the rate covers the whole window.
    while (this.samples.length > 2 && this.samples[1].at <= at - this.windowMs) this.samples.shift();
  }

  /**
   * Jobs per second over the window ending at the newest sample, or undefined when fewer than two samples
   * span at least a second or nothing was drained (an idle queue has no measured rate, not a rate of zero).
   */
  rate(): number | undefined {
    if (this.samples.length < 2) return undefined;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const spanMs = last.at - first.at;
    const drained = last.count - first.count;
    if (spanMs < 1_000 || drained <= 0) return undefined;
    return (drained * 1000) / spanMs;
  }
}
