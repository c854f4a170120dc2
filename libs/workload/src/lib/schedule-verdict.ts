/** A send that went out after the next request was due: how late, in which second, and that second's gap. */
export interface LateSend {
  second: number;
  latenessMs: number;
  gapMs: number;
}

/** Default floor of `lateAgainstSchedule`: below a few milliseconds lateness is timer resolution, whatever the rate. */
export const LATE_FLOOR_MS = 5;

/** Default share of late sends beyond which a run is generator-limited. */
export const MAX_LATE_SHARE = 0.01;

/** The mean gap between sends in a second that asks for `ratePerSecond` requests. */
export function meanGapMs(ratePerSecond: number): number {
  return 1000 / Math.max(1, ratePerSecond);
}

/**
 * Whether one send, `latenessMs` after its intended time in a second that asks for `ratePerSecond` requests, broke
 * the schedule: it went out later than the mean gap between sends, i.e. after the next request was due, so the
 * tester sent together what the schedule spaced apart. Never for less than `floorMs`.
 */
export function lateAgainstSchedule(latenessMs: number, ratePerSecond: number, floorMs = LATE_FLOOR_MS): boolean {
  return latenessMs > Math.max(meanGapMs(ratePerSecond), floorMs);
}

export interface ScheduleVerdictInput {
  /** Seconds that ran in full: what the workload asked and what was sent in each. */
  seconds: readonly { second: number; target: number; sent: number }[];
  sent: number;
  /** Sends for which `lateAgainstSchedule` held, and the latest of them. */
  lateSends: number;
  worstLateSend?: LateSend;
  /** More than this share of late sends flags the run. Default 1 %. */
  maxLateShare?: number;
}

/**
 * GENERATOR-LIMITED, told truthfully: the tester measurably failed to keep the schedule when a second sent fewer
 * requests than the workload asks (by more than 2 % and more than one request: one can slip over a boundary), or
 * when more than 1 % of sends broke the schedule (`lateAgainstSchedule`). Lateness below that is information: a few
 * milliseconds at 17 requests/s change nothing the system sees. A second above its target is the catch-up of one
 * below it, so it is not counted twice.
 */
export function scheduleVerdict(input: ScheduleVerdictInput): { generatorLimited: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const behind = input.seconds.filter((s) => s.target > 0 && s.target - s.sent > Math.max(1, 0.02 * s.target));
  if (behind.length > 0) {
    reasons.push(
      `${behind.length} second(s) sent fewer requests than the workload asks, by more than 2 % (first: second ${behind[0].second}, ${behind[0].sent} of ${behind[0].target})`,
    );
  }
  const maxLateShare = input.maxLateShare ?? MAX_LATE_SHARE;
  const worst = input.worstLateSend;
  if (input.sent > 0 && input.lateSends / input.sent > maxLateShare && worst) {
    reasons.push(
      `${input.lateSends} of ${input.sent} sends (${((100 * input.lateSends) / input.sent).toFixed(1)} %, more than ${(100 * maxLateShare).toFixed(0)} %) went out after the next request was due` +
        ` (later than the mean gap between sends); worst ${worst.latenessMs.toFixed(1)} ms late in second ${worst.second}, where the gap is ${worst.gapMs.toFixed(1)} ms`,
    );
  }
  return { generatorLimited: reasons.length > 0, reasons };
}
