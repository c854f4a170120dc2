import type { LoadRunResult } from '@ai/workload';
import type { ScaleEventRecord, ScalingRecord, SloSpec, SystemSample } from './report-input';

/** summary.json's `scaling`: what the local scaler did during the run and what it cost. */
export interface ScalingSummary {
  policy: string;
  autoscaling: boolean;
  /** Set when SIMULATED_DEVICE_MS was on. */
  simulatedDevice?: { perBatchMs: number; perItemMs: number };
  /** Second of the workload where the rate jumped most (the spike), and its rate. */
  spike: { second: number; rps: number };
  /**
   * Seconds from the spike until p99 (by intended send second) is under --slo-p99 and stays there for
   * SLO_HOLD_SECONDS; 0 when it never went over; null without --slo-p99 or when that never happens.
   */
  spikeToSloSeconds: number | null;
  /** Largest waiting + active backlog sampled. */
  peakBacklog: number;
  peakReplicas: { desired: number; ready: number };
  /** Integral over the run of the inference processes running (starting, ready or draining), seconds. */
  replicaSeconds: number;
  /** Requests that failed or timed out during a second in which a replica was starting (the goal is 0). */
  failedDuringColdStarts: number;
  events: ScaleEventRecord[];
  polls: NonNullable<ScalingRecord['polls']>;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** The workload second with the largest rise in target rate over the previous second. */
export function spikeSecond(targets: number[]): { second: number; rps: number } {
  let best = { second: 0, rps: targets[0] ?? 0, rise: targets[0] ?? 0 };
  for (let i = 1; i < targets.length; i += 1) {
    const rise = targets[i] - targets[i - 1];
    if (rise > best.rise) best = { second: i, rps: targets[i], rise };
  }
  return { second: best.second, rps: best.rps };
}

/** How long p99 must stay under the SLO to count as back under it: a single quiet second is not a recovery. */
export const SLO_HOLD_SECONDS = 10;

/**
 * Seconds from `spike` to the first second from which per-second p99 (by intended send second) stays under the SLO
 * for {@link SLO_HOLD_SECONDS} (or until the last second with requests); null without an SLO or when that never
 * happens.
 */
export function secondsToSlo(run: LoadRunResult, spike: number, slo: SloSpec): number | null {
  if (slo.p99Seconds === undefined) return null;
  const limitMs = slo.p99Seconds * 1000;
  const measured = run.seconds.flatMap((s) => (s.second >= spike && s.latency && s.latency.count > 0 ? [{ second: s.second, p99: s.latency.p99 }] : []));
  const holds = (from: number) => measured.filter((s) => s.second >= from && s.second < from + SLO_HOLD_SECONDS).every((s) => s.p99 <= limitMs);
  const first = measured.find((s) => s.p99 <= limitMs && holds(s.second));
  return first ? first.second - spike : null;
}

export function scalingSummary(
  run: LoadRunResult,
  samples: SystemSample[],
  scaling: ScalingRecord,
  slo: SloSpec,
  simulatedDevice?: ScalingSummary['simulatedDevice'],
): ScalingSummary {
  const spike = spikeSecond(run.schedule.seconds.map((s) => s.target));
  const withScaling = samples.flatMap((s) => (s.scaling ? [{ t: s.t, ...s.scaling }] : []));
  let replicaSeconds = 0;
  for (let i = 1; i < withScaling.length; i += 1) {
    const prev = withScaling[i - 1];
    replicaSeconds += (withScaling[i].t - prev.t) * (prev.starting + prev.ready + prev.stopping);
  }
  const coldSeconds = new Set(withScaling.filter((s) => s.starting > 0).map((s) => Math.floor(s.t)));
  const failedDuringColdStarts = run.seconds.filter((s) => coldSeconds.has(s.second)).reduce((n, s) => n + s.failed + s.timedOut, 0);
  return {
    policy: scaling.policy,
    autoscaling: scaling.autoscaling,
    ...(simulatedDevice && { simulatedDevice }),
    spike,
    spikeToSloSeconds: secondsToSlo(run, spike.second, slo),
    peakBacklog: Math.max(0, ...samples.map((s) => (s.queueDepth ?? 0) + (s.active ?? 0))),
    peakReplicas: { desired: Math.max(0, ...withScaling.map((s) => s.desired)), ready: Math.max(0, ...withScaling.map((s) => s.ready)) },
    replicaSeconds: round(replicaSeconds, 1),
    failedDuringColdStarts,
    events: scaling.events,
    polls: scaling.polls ?? [],
  };
}
