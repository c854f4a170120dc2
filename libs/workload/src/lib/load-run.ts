import { performance } from 'node:perf_hooks';
import type { ScheduledRequest } from './arrival-schedule';
import { InFlightTracker, type Flight } from './in-flight-tracker';
import { runOpenLoop, type OpenLoopOptions, type SecondSchedule } from './open-loop-scheduler';
import { errorReason, type RequestRecord, type RequestResult } from './request-result';
import { RunBooks, type LoadProgress, type LoadRunResult } from './run-books';

export interface LoadRunOptions extends Omit<OpenLoopOptions, 'send' | 'onSecond'> {
  /** Starts one request; `signal` aborts when it times out or the run is stopped. */
  execute(request: ScheduledRequest, signal: AbortSignal): Promise<RequestResult>;
  /** Per-request time limit, measured from the intended send time. Default 30 s. */
  timeoutMs?: number;
  /** Every settled request, as soon as it settles (stream these to disk). */
  onRecord?(record: RequestRecord): void;
  onSecond?(second: SecondSchedule, progress: LoadProgress): void;
}

/**
 * Runs a workload open-loop and keeps honest books: latency from the intended send time, a per-request
 * timeout from that same time (timed-out requests are recorded at no less than the timeout), and every
 * scheduled request settled exactly once as completed, failed, timed out or not sent.
 *
 * Three parts do the work: the open-loop scheduler sends, the in-flight tracker holds each request's deadline and
 * aborts it on timeout or stop, and the run's books record how each one ended.
 */
export async function runLoad(options: LoadRunOptions): Promise<LoadRunResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const origin = options.origin ?? performance.now();
  const books = new RunBooks(options.onRecord);
  const inFlight = new InFlightTracker({ timeoutMs, origin, onTimeout: (flight, nowMs) => books.settleTimeout(flight, nowMs, timeoutMs) });

  const finish = (flight: Flight, result: RequestResult) => {
    if (inFlight.finish(flight)) books.settleResult(flight, result, performance.now() - origin);
  };
  const send = (request: ScheduledRequest, sentMs: number) => {
    books.sent(request);
    const flight = inFlight.track(request, sentMs);
    options.execute(request, flight.signal).then(
      (result) => finish(flight, result),
      // A request cut short by the run's abort says so, whatever the executor's error looked like.
      (error: unknown) => finish(flight, { outcome: 'failed', reason: flight.signal.aborted ? 'aborted' : errorReason(error) }),
    );
  };
  const stop = () => inFlight.abortAll(new Error('aborted'));

  options.signal?.addEventListener('abort', stop);
  try {
    const schedule = await runOpenLoop({ ...options, origin, send, onSecond: (second) => options.onSecond?.(second, books.progress(inFlight.size)) });
    await inFlight.whenDrained();
    return books.close(schedule);
  } finally {
    inFlight.dispose();
    options.signal?.removeEventListener('abort', stop);
  }
}
