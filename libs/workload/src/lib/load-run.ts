import { performance } from 'node:perf_hooks';
import type { ScheduledRequest } from './arrival-schedule';
import { LatencyHistogram, type LatencySummary } from './latency-histogram';
import { LatencyRecorder } from './latency-recorder';
import { runOpenLoop, type OpenLoopOptions, type ScheduleReport, type SecondSchedule } from './open-loop-scheduler';
import { OutcomeLedger, type OutcomeCounts, type OutcomeKind } from './outcome-ledger';

/** What a request executor reports once a request is done (successfully or not). */
export interface RequestResult {
  outcome: 'completed' | 'failed';
  /** Why it failed: a short stable code such as `enqueue_429`, `network`, `inference_error`. */
  reason?: string;
  /** HTTP status of the first call (e.g. the 202 of /enqueue). */
  status?: number;
  /** When the first call was answered, ms from the run's origin. */
  acceptedAtMs?: number;
  jobId?: string;
  /** Time in the queue and in inference, as the server measured them. */
  queueWaitMs?: number;
  inferenceMs?: number;
  /** When the result was known, ms from the run's origin; default: when the promise resolved. */
  doneAtMs?: number;
}

/** Everything known about one request at the end: one row of requests.csv. */
export interface RequestRecord {
  seq: number;
  second: number;
  intendedMs: number;
  sentMs?: number;
  latenessMs?: number;
  outcome: OutcomeKind;
  reason?: string;
  status?: number;
  jobId?: string;
  /** Intended send → first answer (e.g. 202 of /enqueue). */
  acceptMs?: number;
  queueWaitMs?: number;
  inferenceMs?: number;
  /** Intended send → result; for timed-out requests at least the timeout. */
  e2eMs?: number;
}

export interface LoadRunOptions extends Omit<OpenLoopOptions, 'send' | 'onSecond'> {
  /** Starts one request; `signal` aborts when it times out or the run is stopped. */
  execute(request: ScheduledRequest, signal: AbortSignal): Promise<RequestResult>;
  /** Per-request time limit, measured from the intended send time. Default 30 s. */
  timeoutMs?: number;
  /** Every settled request, as soon as it settles (stream these to disk). */
  onRecord?(record: RequestRecord): void;
  onSecond?(second: SecondSchedule, progress: LoadProgress): void;
}

export interface LoadProgress {
  scheduled: number;
  sent: number;
  inFlight: number;
  counts: OutcomeCounts;
}

/** Per-second figures of a run, by workload second. */
export interface SecondFigures extends SecondSchedule {
  /** Requests that completed / failed / timed out during this second of wall-clock time. */
  completed: number;
  failed: number;
  timedOut: number;
  /** Latency of the requests intended in this second. */
  latency?: LatencySummary;
}

export interface LoadRunResult {
  schedule: ScheduleReport;
  counts: OutcomeCounts;
  failuresByReason: Record<string, number>;
  latency: LatencySummary;
  /** Recorded end-to-end latency distribution, for plots. */
  latencyDistribution: Array<{ fromMs: number; toMs: number; count: number }>;
  accept: LatencySummary;
  queueWait: LatencySummary;
  inference: LatencySummary;
  seconds: SecondFigures[];
  /** From the first intended send to the last settlement. */
  durationMs: number;
}

/**
 * Runs a workload open-loop and keeps honest books: latency from the intended send time, a per-request
 * timeout from that same time (timed-out requests are recorded at no less than the timeout), and every
 * scheduled request settled exactly once as completed, failed, timed out or not sent.
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const origin = options.origin ?? performance.now();
  const ledger = new OutcomeLedger();
  const latency = new LatencyRecorder();
  const accept = new LatencyHistogram();
  const queueWait = new LatencyHistogram();
  const inference = new LatencyHistogram();
  const done = { completed: [] as number[], failed: [] as number[], timedOut: [] as number[] };
  const inFlight = new Set<Promise<void>>();
  const controllers = new Set<AbortController>();
  let lastSettledMs = 0;
  let maxSeq = -1;

  const countAt = (list: number[], atMs: number) => {
    const second = Math.max(0, Math.floor(atMs / 1000));
    while (list.length <= second) list.push(0);
    list[second] += 1;
  };

  const settle = (request: ScheduledRequest, sentMs: number, record: Omit<RequestRecord, 'seq' | 'second' | 'intendedMs' | 'sentMs' | 'latenessMs'>, atMs: number) => {
    if (!ledger.settle(request.seq, record.outcome, record.reason)) return;
    lastSettledMs = Math.max(lastSettledMs, atMs);
    if (record.e2eMs !== undefined && record.outcome !== 'failed') latency.record(request.second, record.e2eMs);
    if (record.outcome !== 'notSent') countAt(done[record.outcome], atMs);
    options.onRecord?.({ seq: request.seq, second: request.second, intendedMs: request.intendedMs, sentMs, latenessMs: sentMs - request.intendedMs, ...record });
  };

  const send = (request: ScheduledRequest, sentMs: number) => {
    ledger.schedule(request.seq);
    maxSeq = request.seq;
    const controller = new AbortController();
    controllers.add(controller);
    const remaining = Math.max(0, request.intendedMs + timeoutMs - sentMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining)));
    const work = options.execute(request, controller.signal).then(
      (result) => result,
      (error: unknown): RequestResult => ({
        outcome: 'failed',
        // A request cut short by the run's abort says so, whatever the executor's error looked like.
        reason: controller.signal.aborted ? 'aborted' : errorReason(error),
      }),
    );
    const task = Promise.race([work, timedOut]).then((result) => {
      clearTimeout(timer);
      const now = performance.now() - origin;
      if (result === 'timeout') {
        controller.abort(new Error('timeout'));
        settle(request, sentMs, { outcome: 'timedOut', reason: 'timeout', e2eMs: Math.max(timeoutMs, now - request.intendedMs) }, now);
        return;
      }
      const doneAt = result.doneAtMs ?? now;
      const acceptMs = result.acceptedAtMs !== undefined ? result.acceptedAtMs - request.intendedMs : undefined;
      if (acceptMs !== undefined) accept.record(acceptMs);
      if (result.outcome === 'completed') {
        if (result.queueWaitMs !== undefined) queueWait.record(result.queueWaitMs);
        if (result.inferenceMs !== undefined) inference.record(result.inferenceMs);
      }
      settle(request, sentMs, {
        outcome: result.outcome,
        reason: result.reason,
        status: result.status,
        jobId: result.jobId,
        acceptMs,
        queueWaitMs: result.queueWaitMs,
        inferenceMs: result.inferenceMs,
        e2eMs: doneAt - request.intendedMs,
      }, doneAt);
    }).finally(() => {
      controllers.delete(controller);
      inFlight.delete(task);
    });
    inFlight.add(task);
  };

  const onAbort = () => controllers.forEach((controller) => controller.abort(new Error('aborted')));
  options.signal?.addEventListener('abort', onAbort);
  const schedule = await runOpenLoop({
    ...options,
    origin,
    send,
    onSecond: (second) =>
      options.onSecond?.(second, { scheduled: ledger.totals().scheduled, sent: maxSeq + 1, inFlight: inFlight.size, counts: ledger.totals() }),
  });
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  options.signal?.removeEventListener('abort', onAbort);

  // Requests the schedule never reached are settled as not sent.
  const firstUnsent = maxSeq + 1;
  for (let i = 0; i < schedule.notSent; i += 1) {
    const seq = firstUnsent + i;
    ledger.schedule(seq);
    ledger.settle(seq, 'notSent');
    options.onRecord?.({ seq, second: -1, intendedMs: -1, outcome: 'notSent' });
  }

  const seconds: SecondFigures[] = schedule.seconds.map((s) => ({
    ...s,
    completed: done.completed[s.second] ?? 0,
    failed: done.failed[s.second] ?? 0,
    timedOut: done.timedOut[s.second] ?? 0,
    latency: latency.second(s.second),
  }));
  // Results still arriving after the workload's last second get seconds of their own.
  const tail = Math.max(done.completed.length, done.failed.length, done.timedOut.length);
  for (let second = schedule.seconds.length; second < tail; second += 1) {
    seconds.push({
      second, target: 0, sent: 0, latenessP50Ms: 0, latenessP99Ms: 0, eventLoopDelayP99Ms: 0,
      completed: done.completed[second] ?? 0, failed: done.failed[second] ?? 0, timedOut: done.timedOut[second] ?? 0,
    });
  }
  return {
    schedule,
    counts: ledger.totals(),
    failuresByReason: ledger.failuresByReason(),
    latency: latency.overall.summary(),
    latencyDistribution: latency.overall.distribution(),
    accept: accept.summary(),
    queueWait: queueWait.summary(),
    inference: inference.summary(),
    seconds,
    durationMs: Math.max(lastSettledMs, schedule.seconds.length * 1000),
  };
}

/** A short failure code for an exception thrown by an executor. */
export function errorReason(error: unknown): string {
  const e = error as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'aborted';
  return e?.code ?? e?.cause?.code ?? 'error';
}
