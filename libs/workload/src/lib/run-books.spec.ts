import type { ScheduleReport } from './open-loop-scheduler';
import type { RequestRecord } from './request-result';
import { RunBooks } from './run-books';

const sent = (seq: number, intendedMs: number, sentMs = intendedMs) => ({ request: { seq, second: Math.floor(intendedMs / 1000), intendedMs }, sentMs });
const second = (n: number, target: number) => ({ second: n, target, sent: target, latenessP50Ms: 0, latenessP99Ms: 0, eventLoopDelayP99Ms: 0 });

describe('RunBooks', () => {
  it('records each request once, counts what settled in each wall-clock second, and settles the unsent ones at close', () => {
    const records: RequestRecord[] = [];
    const books = new RunBooks((record) => records.push(record));
    const requests = [sent(0, 0, 0.5), sent(1, 500), sent(2, 1000)];
    for (const r of requests) books.sent(r.request);
    books.settleResult(requests[0], { outcome: 'completed', acceptedAtMs: 10, queueWaitMs: 5, inferenceMs: 20, tokens: 7, doneAtMs: 40 }, 99);
    books.settleResult(requests[1], { outcome: 'failed', reason: 'enqueue_429', status: 429 }, 520);
    books.settleTimeout(requests[2], 2_300, 1_000);
    expect(books.progress(0)).toEqual({
      scheduled: 3,
      sent: 3,
      inFlight: 0,
      counts: { scheduled: 3, completed: 1, failed: 1, timedOut: 1, notSent: 0 },
    });

    const schedule = { seconds: [second(0, 2), second(1, 2)], notSent: 1 } as ScheduleReport;
    const result = books.close(schedule);
    expect(result.counts).toEqual({ scheduled: 4, completed: 1, failed: 1, timedOut: 1, notSent: 1 });
    expect(result.failuresByReason).toEqual({ enqueue_429: 1 });
    expect(records.map((r) => [r.seq, r.outcome, r.e2eMs])).toEqual([
      [0, 'completed', 40],
      [1, 'failed', 20],
      [2, 'timedOut', 1_300],
      [3, 'notSent', undefined],
    ]);
    expect(records[0]).toMatchObject({ latenessMs: 0.5, acceptMs: 10, queueWaitMs: 5, inferenceMs: 20, tokens: 7 });
    // Failed requests have no latency; the timed-out one counts at its full wait.
    expect(result.latency).toMatchObject({ count: 2, max: 1_300 });
    expect(result.accept.count).toBe(1);
    expect(result.tokens).toEqual({ total: 7, requests: 1 });
    // The timeout landed in second 2, after the workload's two seconds: it gets a second of its own.
    expect(result.seconds.map((s) => [s.second, s.target, s.completed, s.failed, s.timedOut, s.tokens])).toEqual([
      [0, 2, 1, 1, 0, 7],
      [1, 2, 0, 0, 0, 0],
      [2, 0, 0, 0, 1, 0],
    ]);
    expect(result.durationMs).toBe(2_300);
  });
});
