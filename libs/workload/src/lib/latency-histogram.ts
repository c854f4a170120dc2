import { build, type JsHistogram } from 'hdr-histogram-js';

/** Percentiles of one distribution, in milliseconds. */
export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Values are kept in microseconds, 3 significant digits, up to one hour. */
const HIGHEST_US = 3_600_000_000;

/**
 * An HDR histogram of durations in milliseconds (stored as microseconds): constant memory and 0.1 %
 * precision whatever the run length, which is why percentiles come from here and not from sorted arrays.
 */
export class LatencyHistogram {
  private readonly histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  }) as JsHistogram;

  record(ms: number): void {
    const us = Math.min(HIGHEST_US, Math.max(0, Math.round(ms * 1000)));
    this.histogram.recordValue(us);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Value at `percentile` (0–100) in milliseconds; 0 when empty. */
  percentile(percentile: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(percentile) / 1000;
  }

  summary(): LatencySummary {
    if (this.count === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 };
    return {
      count: this.count,
      mean: this.histogram.mean / 1000,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      max: this.histogram.maxValue / 1000,
    };
  }

  /** The recorded distribution in log-spaced bins (ms bounds, count), empty bins left out; for plotting. */
  distribution(bins = 40): Array<{ fromMs: number; toMs: number; count: number }> {
    if (this.count === 0) return [];
    const max = Math.max(1, this.histogram.maxValue);
    const min = Math.max(1, this.histogram.minNonZeroValue);
    // Log-spaced bins: latency spans orders of magnitude, and the tail is what matters.
    const step = Math.max(1e-6, Math.log(max / min) / bins);
    const counts = new Array<number>(bins + 1).fill(0);
    const iterator = this.histogram.recordedValuesIterator;
    iterator.reset();
    while (iterator.hasNext()) {
      const value = iterator.next();
      const index = Math.min(bins, Math.max(0, Math.ceil(Math.log(Math.max(1, value.valueIteratedTo) / min) / step)));
      counts[index] += value.countAtValueIteratedTo;
    }
    return counts
      .map((count, index) => ({ fromMs: (min * Math.exp((index - 1) * step)) / 1000, toMs: (min * Math.exp(index * step)) / 1000, count }))
      .filter((bin) => bin.count > 0);
  }

  reset(): void {
    this.histogram.reset();
  }
}
