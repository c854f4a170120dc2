import { LatencyHistogram, type LatencySummary } from './latency-histogram';

/**
 * End-to-end latency overall and per workload second. Callers record latency measured from the
 * *intended* send time, so a stalled system shows its queueing here instead of hiding it
 * (no coordinated omission).
 */
export class LatencyRecorder {
  readonly overall = new LatencyHistogram();
  private readonly bySecond = new Map<number, LatencyHistogram>();

  record(second: number, ms: number): void {
    this.overall.record(ms);
    let histogram = this.bySecond.get(second);
    if (!histogram) {
      histogram = new LatencyHistogram();
      this.bySecond.set(second, histogram);
    }
    histogram.record(ms);
  }

  /** Summary of the requests intended in `second`; undefined when none was recorded. */
  second(second: number): LatencySummary | undefined {
    return this.bySecond.get(second)?.summary();
  }
}
