/**
 * The stages one inference request goes through, in order, as the `stage` label of `inference_stage_seconds`:
 * - `parse`: from the request's arrival to its body read and parsed (JSON, or the binary tensor header);
 * - `base64`: checking and decoding the base64 image (JSON bodies only);
 * - `decode`: the libvips pipeline: decode, orient, flatten, resize and colour conversion, fused into one pass
 *   (libvips runs them as one pipeline, so they are timed as one);
 * - `tensor`: this request's bytes turned into model values, written into its batch tensor;
 * - `queue`: waiting for its batch to start (other requests to join, or an instance to be free);
 * - `run`: the batch's session.run on the instance's thread, with the hand-over there and back;
 * - `topk`: softmax and the best k labels (or splitting out the requested v2 outputs);
 * - `serialise`: the response body built and handed to the socket.
 */
export const REQUEST_STAGES = ['parse', 'base64', 'decode', 'tensor', 'queue', 'run', 'topk', 'serialise'] as const;
export type RequestStage = (typeof REQUEST_STAGES)[number];

/** Milliseconds spent in each stage by one request (stages it did not go through are absent). */
export type StageTimes = Partial<Record<RequestStage, number>>;

/**
 * A stopwatch over one request's stages: `lap(stage)` charges the time since the previous lap (or the start) to
 * `stage`; `add` charges a duration measured elsewhere (on the batcher's clock, say) and moves the lap mark on.
 */
export class StageClock {
  readonly times: StageTimes = {};
  private last: number;

  constructor(readonly startedAt = performance.now()) {
    this.last = startedAt;
  }

  lap(stage: RequestStage): number {
    const now = performance.now();
    const ms = now - this.last;
    this.times[stage] = (this.times[stage] ?? 0) + ms;
    this.last = now;
    return ms;
  }

  /**
   * Charges the time since the previous lap to several stages: `parts` as measured elsewhere (on the batcher's
   * clock, say), and the rest to `rest`.
   */
  lapSplit(rest: RequestStage, parts: StageTimes): void {
    const now = performance.now();
    let left = now - this.last;
    for (const [stage, ms] of Object.entries(parts) as [RequestStage, number][]) {
      const charged = Math.max(0, Math.min(left, ms));
      this.times[stage] = (this.times[stage] ?? 0) + charged;
      left -= charged;
    }
    this.times[rest] = (this.times[rest] ?? 0) + left;
    this.last = now;
  }

  /** Time since the start. */
  elapsed(): number {
    return performance.now() - this.startedAt;
  }
}
