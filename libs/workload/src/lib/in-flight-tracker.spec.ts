import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { InFlightTracker, type Flight } from './in-flight-tracker';

const request = (seq: number, intendedMs: number) => ({ seq, second: Math.floor(intendedMs / 1000), intendedMs });

describe('InFlightTracker', () => {
  it('times requests out in deadline order from their intended send time, once each, and aborts them after booking', async () => {
    const origin = performance.now();
    const timedOut: Array<{ seq: number; nowMs: number; abortedWhenBooked: boolean }> = [];
    const tracker = new InFlightTracker({
      timeoutMs: 50,
      origin,
      onTimeout: (flight, nowMs) => timedOut.push({ seq: flight.request.seq, nowMs, abortedWhenBooked: flight.signal.aborted }),
    });
    const flights = [request(0, 0), request(1, 10), request(2, 20)].map((r) => tracker.track(r, r.intendedMs));
    expect(tracker.size).toBe(3);
    expect(tracker.finish(flights[1])).toBe(true);
    await tracker.whenDrained();
    tracker.dispose();
    expect(timedOut.map((t) => t.seq)).toEqual([0, 2]);
    expect(timedOut[0].nowMs).toBeGreaterThanOrEqual(50);
    expect(timedOut[1].nowMs).toBeGreaterThanOrEqual(70);
    expect(timedOut.every((t) => !t.abortedWhenBooked)).toBe(true);
    expect(flights.map((f) => f.signal.aborted)).toEqual([true, false, true]);
    // A result after the deadline is refused: the request already ended as timed out.
    expect(tracker.finish(flights[0])).toBe(false);
    expect(tracker.size).toBe(0);
  });

  it('aborts only the open requests when the run is stopped, and they still finish by their results', async () => {
    const onTimeout = jest.fn();
    const tracker = new InFlightTracker({ timeoutMs: 60_000, origin: performance.now(), onTimeout });
    const flights: Flight[] = [0, 1, 2].map((seq) => tracker.track(request(seq, 0), 0));
    tracker.finish(flights[0]);
    tracker.abortAll(new Error('aborted'));
    expect(flights.map((f) => f.signal.aborted)).toEqual([false, true, true]);
    const drained = tracker.whenDrained();
    for (const flight of flights.slice(1)) expect(tracker.finish(flight)).toBe(true);
    await drained;
    tracker.dispose();
    await sleep(5);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('refuses a timeout that is not a positive number of milliseconds', () => {
    expect(() => new InFlightTracker({ timeoutMs: 0, origin: 0, onTimeout: () => undefined })).toThrow(/timeoutMs/);
  });
});
