import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createReportDirectory,
  RequestCsvWriter,
  writeReport,
  type RunDescription,
  type ScalingRecord,
  type SloSpec,
  type SystemSample,
  type WrittenReport,
} from '@ai/report';
import { HttpClient } from '@ai/http-client';
import { RepeatSuppressor, type Logger } from '@ai/observability';
import { runLoad, type LoadProgress, type LoadRunResult, type RequestRecord, type SecondSchedule } from '@ai/workload';
import type { CallbackReceiver } from './callback-receiver';
import { dispatcherExecutor, type CollectMode } from './dispatcher-executor';
import type { LocalScaler } from './local-scaler';
import type { RequestBodies } from './request-bodies';
import { SystemSampler } from './system-sampler';

export interface LoadTestOptions {
  target: string;
  model: string;
  rates: number[];
  workloadFile: string;
  /** Images or prompts: what the requests carry. */
  bodies: RequestBodies;
  collect: CollectMode;
  arrivals: 'uniform' | 'poisson';
  seed?: number;
  timeoutMs: number;
  /** Send at most this many requests. */
  maxRequests?: number;
  reportsDir: string;
  /** The report folder; default reportsDir/<timestamp>. */
  dir?: string;
  /** For `callback`: where the dispatcher POSTs results, and the receiver behind that URL. */
  callbackUrl?: string;
  receiver?: CallbackReceiver;
  prometheusUrl?: string;
  embedded?: boolean;
  /** The embedded stack's replicas: sampled each second, their scale events kept for the report. */
  scaler?: LocalScaler;
  /** How the scaler's count is set, for the report (e.g. "chart autoscaling 1..5 on cpu, backlog every 15 s"). */
  scalingPolicy?: string;
  /** SIMULATED_DEVICE_MS was on in the embedded stack. */
  simulatedDevice?: { perBatchMs: number; perItemMs: number };
  signal?: AbortSignal;
  onSecond?(second: SecondSchedule, progress: LoadProgress): void;
  /**
   * Logs failing requests as they happen, each reason once per backoff step with a count (a target that is down
   * fails every request; the report has them all). The CLI leaves it out: its terminal shows the progress bar.
   */
  logger?: Logger;
}

/** A finished run whose report can be written. */
export interface CompletedLoadTest {
  dir: string;
  result: LoadRunResult;
  samples: SystemSample[];
  description: RunDescription;
  csvRows: number;
  scaling?: ScalingRecord;
}

/**
 * One load test against a dispatcher: creates reports/<timestamp>/, streams requests.csv while the
 * workload runs open-loop, samples the system each second, and returns everything the report needs.
 */
export async function runLoadTest(options: LoadTestOptions): Promise<CompletedLoadTest> {
  const startedAt = new Date();
  const dir = options.dir ?? createReportDirectory(options.reportsDir, startedAt);
  const csv = new RequestCsvWriter(join(dir, 'requests.csv'));
  const sender = new HttpClient();
  const origin = performance.now();
  const scaler = options.scaler;
  const sampler = new SystemSampler({
    target: options.target,
    model: options.model,
    prometheusUrl: options.prometheusUrl,
    origin,
    ...(scaler && { scaling: () => scaler.counts() }),
  });
  const eventsBefore = scaler?.events.length ?? 0;
  const failures = options.logger && new RepeatSuppressor(options.logger);
  const noteFailure = (record: RequestRecord) => {
    if (!failures || record.outcome === 'completed' || record.outcome === 'notSent') return;
    const reason = record.reason ?? record.outcome;
    failures.log('warn', `request-failed:${reason}`, 'load test requests failing', {
      reason,
      outcome: record.outcome,
      status: record.status,
      target: options.target,
    });
  };
  try {
    sampler.start();
    const result = await runLoad({
      rates: options.rates,
      arrivals: options.arrivals,
      seed: options.seed,
      limit: options.maxRequests,
      timeoutMs: options.timeoutMs,
      origin,
      signal: options.signal,
      execute: dispatcherExecutor({
        target: options.target,
        model: options.model,
        bodies: options.bodies,
        sender,
        collect: options.collect,
        callbackUrl: options.callbackUrl,
        receiver: options.receiver,
        origin,
      }),
      onRecord: (record) => {
        csv.write(record);
        noteFailure(record);
      },
      onSecond: options.onSecond,
    });
    const samples = await sampler.stop();
    const scaling: ScalingRecord | undefined = scaler && {
      policy: options.scalingPolicy ?? (scaler.autoscaling ? 'autoscaling' : 'fixed replicas'),
      autoscaling: scaler.autoscaling,
      events: scaler.events
        .slice(eventsBefore)
        .map((e) => ({ t: Number(((e.at - origin) / 1000).toFixed(3)), from: e.from, to: e.to, reason: e.reason, values: e.values })),
      polls: scaler.polls.map(({ at, ...p }) => ({ t: Number(((at - origin) / 1000).toFixed(3)), ...p })),
    };
    return {
      dir,
      result,
      samples,
      csvRows: csv.rows,
      ...(scaling && { scaling }),
      description: {
        target: options.embedded ? `${options.target} (embedded stack)` : options.target,
        model: options.model,
        workloadFile: options.workloadFile,
        arrivals: options.arrivals,
        collect: options.collect,
        timeoutMs: options.timeoutMs,
        startedAt,
        embedded: options.embedded,
        ...(options.simulatedDevice && { simulatedDevice: options.simulatedDevice }),
      },
    };
  } finally {
    failures?.flush();
    await sampler.stop();
    await csv.close();
    sender.close();
  }
}

/**
 * Writes the report of a finished run. `expectedTotal` (POST /generateReport's totalRequests) above the
 * scheduled count adds the missing requests as not sent, so they cannot silently vanish from the books.
 */
export async function writeLoadTestReport(run: CompletedLoadTest, slo: SloSpec, expectedTotal?: number): Promise<WrittenReport> {
  let result = run.result;
  const missing = expectedTotal === undefined ? 0 : expectedTotal - result.counts.scheduled;
  if (missing > 0) {
    result = { ...result, counts: { ...result.counts, scheduled: result.counts.scheduled + missing, notSent: result.counts.notSent + missing } };
  }
  return writeReport(run.dir, { run: result, samples: run.samples, description: run.description, slo, ...(run.scaling && { scaling: run.scaling }) });
}
