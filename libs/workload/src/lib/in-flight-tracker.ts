import { performance } from 'node:perf_hooks';
import type { ScheduledRequest } from './arrival-schedule';

/** A request on its way, as `InFlightTracker.track` returns it. */
export interface Flight {
  readonly request: ScheduledRequest;
  /** When it was actually sent, ms from the run's origin. */
  readonly sentMs: number;
  /** Aborts when the request times out or the run is stopped. */
  readonly signal: AbortSignal;
}

interface TrackedFlight extends Flight {
  /** Dropped once the request is finished or timed out: nothing aborts it after that. */
  controller?: AbortController;
  done: boolean;
}

export interface InFlightTrackerOptions {
  /** Per-request limit, measured from the intended send time, ms. */
  timeoutMs: number;
  /** The run's time origin (a performance.now() value). */
  origin: number;
  /** A request's deadline passed before it finished: book it as timed out. Its signal aborts right after. */
  onTimeout(flight: Flight, nowMs: number): void;
}

/**
 * What is in flight and until when. A request's deadline is its intended send time plus the timeout; intended
 * times only grow, so send order is also deadline order, and one timer on the oldest open request replaces a
 * timer per request. Each request finishes exactly once: by its result (`finish`) or by its deadline.
 */
export class InFlightTracker {
  private readonly flights: TrackedFlight[] = [];
  /** Index of the oldest flight that may still be open. */
  private head = 0;
  private open = 0;
  private timer: NodeJS.Timeout | undefined;
  private drained: (() => void) | undefined;

  constructor(private readonly options: InFlightTrackerOptions) {
    if (!(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be a positive number of milliseconds, got ${options.timeoutMs}`);
  }

  /** Requests sent and not finished or timed out yet. */
  get size(): number {
    return this.open;
  }

  /** Starts the clock on a request sent at `sentMs` (ms from the origin). */
  track(request: ScheduledRequest, sentMs: number): Flight {
    const controller = new AbortController();
    this.flights.push({ request, sentMs, controller, signal: controller.signal, done: false });
    this.open += 1;
    this.arm(sentMs);
    return this.flights[this.flights.length - 1];
  }

  /** Marks a flight finished by its result; false when its deadline passed first (the result is too late). */
  finish(flight: Flight): boolean {
    const tracked = flight as TrackedFlight;
    if (tracked.done) return false;
    this.close(tracked);
    return true;
  }

  /** Aborts every open request (the run was stopped); each still finishes by its result or its deadline. */
  abortAll(reason: Error): void {
    for (let i = this.head; i < this.flights.length; i += 1) if (!this.flights[i].done) this.flights[i].controller?.abort(reason);
  }

  /** Resolves once no request is open. */
  whenDrained(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => (this.drained = resolve));
  }

  /** Stops the deadline timer. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private close(flight: TrackedFlight): void {
    flight.done = true;
    flight.controller = undefined;
    this.open -= 1;
    if (this.open === 0) this.drained?.();
  }

  private readonly expire = () => {
    this.timer = undefined;
    const now = performance.now() - this.options.origin;
    while (this.head < this.flights.length) {
      const flight = this.flights[this.head];
      if (!flight.done) {
        if (flight.request.intendedMs + this.options.timeoutMs > now) break;
        const controller = flight.controller;
        this.close(flight);
        this.options.onTimeout(flight, now);
        controller?.abort(new Error('timeout'));
      }
      this.head += 1;
    }
    // Drop the finished front of the queue now and then, so a long run does not keep every request.
    if (this.head > 4096 && this.head * 2 > this.flights.length) {
      this.flights.splice(0, this.head);
      this.head = 0;
    }
    this.arm(now);
  };

  private arm(now: number): void {
    while (this.head < this.flights.length && this.flights[this.head].done) this.head += 1;
    if (this.timer || this.head >= this.flights.length) return;
    this.timer = setTimeout(this.expire, Math.max(1, this.flights[this.head].request.intendedMs + this.options.timeoutMs - now + 1));
  }
}
