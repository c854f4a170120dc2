import type { LatencySummary, OutcomeCounts } from '@ai/workload';
import type { ReportInput, SloSpec } from './report-input';

export interface SloVerdict extends SloSpec {
  passed: boolean;
  violations: string[];
}

/** The content of summary.json. Latencies in milliseconds, rates in requests per second. */
export interface RunSummary {
  startedAt: string;
  durationSeconds: number;
  target: string;
  model: string;
  workload: { file: string; seconds: number; requests: number };
  arrivals: string;
  collect: string;
  timeoutSeconds: number;
  counts: OutcomeCounts & { sent: number };
  failuresByReason: Record<string, number>;
  /** completed / sent */
  successRate: number;
  /** (failed + timed out) / sent */
  errorRate: number;
  latencyMs: { e2e: LatencySummary; queueWait: LatencySummary; inference: LatencySummary; accept: LatencySummary };
  throughput: { targetRps: number; sentRps: number; completedRps: number; peakCompletedRps: number };
  schedule: {
    latenessMs: LatencySummary;
    maxRateErrorPct: number;
    meanRateErrorPct: number;
    maxEventLoopDelayP99Ms: number;
    generatorLimited: boolean;
    generatorLimitedReasons: string[];
    /** The run was stopped early (Ctrl-C, SIGTERM): the rest of the workload is counted as not sent. */
    aborted: boolean;
  };
  slo: SloVerdict;
  /** Second by second: what was asked, sent and finished, latency of that second's requests, and the generator's health. */
  perSecond: SecondRow[];
}

export interface SecondRow {
  second: number;
  target: number;
  sent: number;
  completed: number;
  failed: number;
  timedOut: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  latenessP99Ms: number;
  eventLoopDelayP99Ms: number;
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

function rounded(summary: LatencySummary): LatencySummary {
  return Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, round(v)])) as unknown as LatencySummary;
}

/** Checks the run against its SLO; a run with nothing sent never passes. */
export function sloVerdict(slo: SloSpec, p99Ms: number, errorRate: number, sent: number): SloVerdict {
  const violations: string[] = [];
  if (slo.p99Seconds !== undefined && p99Ms > slo.p99Seconds * 1000) {
    violations.push(`p99 ${(p99Ms / 1000).toFixed(3)} s is above the SLO of ${slo.p99Seconds} s`);
  }
  if (slo.maxErrorRate !== undefined && errorRate > slo.maxErrorRate) {
    violations.push(`error rate ${(errorRate * 100).toFixed(2)} % is above the limit of ${(slo.maxErrorRate * 100).toFixed(2)} %`);
  }
  if ((slo.p99Seconds !== undefined || slo.maxErrorRate !== undefined) && sent === 0) violations.push('no request was sent');
  return { ...slo, passed: violations.length === 0, violations };
}

/** Condenses a run into summary.json. */
export function buildSummary(input: ReportInput): RunSummary {
  const { run, description } = input;
  const counts = run.counts;
  const sent = counts.scheduled - counts.notSent;
  const errorRate = sent > 0 ? (counts.failed + counts.timedOut) / sent : 0;
  const workloadSeconds = run.schedule.seconds.length;
  const durationSeconds = run.durationMs / 1000;
  return {
    startedAt: description.startedAt.toISOString(),
    durationSeconds: round(durationSeconds),
    target: description.target,
    model: description.model,
    workload: { file: description.workloadFile, seconds: workloadSeconds, requests: counts.scheduled },
    arrivals: description.arrivals,
    collect: description.collect,
    timeoutSeconds: description.timeoutMs / 1000,
    counts: { ...counts, sent },
    failuresByReason: run.failuresByReason,
    successRate: round(sent > 0 ? counts.completed / sent : 0, 5),
    errorRate: round(errorRate, 5),
    latencyMs: { e2e: rounded(run.latency), queueWait: rounded(run.queueWait), inference: rounded(run.inference), accept: rounded(run.accept) },
    throughput: {
      targetRps: round(workloadSeconds > 0 ? counts.scheduled / workloadSeconds : 0),
      sentRps: round(workloadSeconds > 0 ? sent / workloadSeconds : 0),
      completedRps: round(durationSeconds > 0 ? counts.completed / durationSeconds : 0),
      peakCompletedRps: Math.max(0, ...run.seconds.map((s) => s.completed)),
    },
    schedule: {
      latenessMs: rounded(run.schedule.lateness),
      maxRateErrorPct: round(run.schedule.maxRateErrorPct),
      meanRateErrorPct: round(run.schedule.meanRateErrorPct),
      maxEventLoopDelayP99Ms: round(Math.max(0, ...run.schedule.seconds.map((s) => s.eventLoopDelayP99Ms))),
      generatorLimited: run.schedule.generatorLimited,
      generatorLimitedReasons: run.schedule.generatorLimitedReasons,
      aborted: run.schedule.aborted,
    },
    slo: sloVerdict(input.slo, run.latency.p99, errorRate, sent),
    perSecond: run.seconds.map((s) => ({
      second: s.second,
      target: s.target,
      sent: s.sent,
      completed: s.completed,
      failed: s.failed,
      timedOut: s.timedOut,
      ...(s.latency && { p50Ms: round(s.latency.p50), p95Ms: round(s.latency.p95), p99Ms: round(s.latency.p99) }),
      latenessP99Ms: round(s.latenessP99Ms),
      eventLoopDelayP99Ms: round(s.eventLoopDelayP99Ms),
    })),
  };
}
