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

interface InFlight {
  request: ScheduledRequest;
  sentMs: number;
  controller?: AbortController;
  done: boolean;
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
  // Requests in flight, in send order. Deadlines are intended time + timeout and intended times only grow,
  // so this queue is also in deadline order: one timer on its head replaces a timer per request.
  const inFlight: InFlight[] = [];
  let head = 0;
  let open = 0;
  let timer: NodeJS.Timeout | undefined;
  let drained: (() => void) | undefined;
  let lastSettledMs = 0;
  let maxSeq = -1;

  const countAt = (list: number[], atMs: number) => {
    const second = Math.max(0, Math.floor(atMs / 1000));
    while (list.length <= second) list.push(0);
    list[second] += 1;
  };

  const settle = (entry: InFlight, record: Omit<RequestRecord, 'seq' | 'second' | 'intendedMs' | 'sentMs' | 'latenessMs'>, atMs: number) => {
    if (entry.done) return;
    entry.done = true;
    open -= 1;
    const { request, sentMs } = entry;
    if (ledger.settle(request.seq, record.outcome, record.reason)) {
      lastSettledMs = Math.max(lastSettledMs, atMs);
      if (record.e2eMs !== undefined && record.outcome !== 'failed') latency.record(request.second, record.e2eMs);
      if (record.outcome !== 'notSent') countAt(done[record.outcome], atMs);
      options.onRecord?.({ seq: request.seq, second: request.second, intendedMs: request.intendedMs, sentMs, latenessMs: sentMs - request.intendedMs, ...record });
    }
    if (open === 0) drained?.();
  };

  const expire = () => {
    timer = undefined;
    const now = performance.now() - origin;
    while (head < inFlight.length) {
      const entry = inFlight[head];
      if (!entry.done) {
        if (entry.request.intendedMs + timeoutMs > now) break;
        settle(entry, { outcome: 'timedOut', reason: 'timeout', e2eMs: Math.max(timeoutMs, now - entry.request.intendedMs) }, now);
        entry.controller?.abort(new Error('timeout'));
      }
      head += 1;
    }
    if (head > 4096 && head * 2 > inFlight.length) {
      inFlight.splice(0, head);
      head = 0;
    }
    arm(now);
  };

  const arm = (now: number) => {
    while (head < inFlight.length && inFlight[head].done) head += 1;
    if (timer || head >= inFlight.length) return;
    timer = setTimeout(expire, Math.max(1, inFlight[head].request.intendedMs + timeoutMs - now + 1));
  };

  const onResult = (entry: InFlight, result: RequestResult) => {
    if (entry.done) return;
    const now = performance.now() - origin;
    const { request } = entry;
    const doneAt = result.doneAtMs ?? now;
    const acceptMs = result.acceptedAtMs !== undefined ? result.acceptedAtMs - request.intendedMs : undefined;
    if (acceptMs !== undefined) accept.record(acceptMs);
    if (result.outcome === 'completed') {
      if (result.queueWaitMs !== undefined) queueWait.record(result.queueWaitMs);
      if (result.inferenceMs !== undefined) inference.record(result.inferenceMs);
    }
    settle(entry, {
      outcome: result.outcome,
      reason: result.reason,
      status: result.status,
      jobId: result.jobId,
      acceptMs,
      queueWaitMs: result.queueWaitMs,
      inferenceMs: result.inferenceMs,
      e2eMs: doneAt - request.intendedMs,
    }, doneAt);
  };

  const send = (request: ScheduledRequest, sentMs: number) => {
    ledger.schedule(request.seq);
    maxSeq = request.seq;
    const controller = new AbortController();
    const entry: InFlight = { request, sentMs, controller, done: false };
    inFlight.push(entry);
    open += 1;
    arm(sentMs);
    options.execute(request, controller.signal).then(
      (result) => onResult(entry, result),
      (error: unknown) => onResult(entry, {
        outcome: 'failed',
        // A request cut short by the run's abort says so, whatever the executor's error looked like.
        reason: controller.signal.aborted ? 'aborted' : errorReason(error),
      }),
    ).finally(() => (entry.controller = undefined));
  };

  const onAbort = () => {
    for (let i = head; i < inFlight.length; i += 1) if (!inFlight[i].done) inFlight[i].controller?.abort(new Error('aborted'));
  };
  options.signal?.addEventListener('abort', onAbort);
  const schedule = await runOpenLoop({
    ...options,
    origin,
    send,
    onSecond: (second) =>
      options.onSecond?.(second, { scheduled: ledger.totals().scheduled, sent: maxSeq + 1, inFlight: open, counts: ledger.totals() }),
  });
  if (open > 0) await new Promise<void>((resolve) => (drained = resolve));
  clearTimeout(timer);
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
