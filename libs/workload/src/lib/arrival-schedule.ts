import { mulberry32 } from '@ai/seeded-random';

export type ArrivalProcess = 'uniform' | 'poisson';

/** One request the schedule asks for. */
export interface ScheduledRequest {
  /** 0-based sequence number over the whole run. */
  seq: number;
  /** The workload second it belongs to. */
  second: number;
  /** Intended send time in milliseconds from the start of the run. */
  intendedMs: number;
}

export interface ArrivalScheduleOptions {
  /** uniform (default): evenly spaced; poisson: random times, so bursts happen as with real users. */
  arrivals?: ArrivalProcess;
  /** Seed for poisson arrivals; default 1. */
  seed?: number;
  /** Stop after this many requests (the rest of the workload is not scheduled). */
  limit?: number;
}

/**
 * The intended send times of a workload, second by second, generated lazily so a long run never holds the
 * whole schedule. Each second's N requests all fall inside that second: uniform places them at i/N; poisson
 * draws N sorted uniform times, which is a Poisson process conditioned on N arrivals — bursty like real
 * traffic, but every second still asks for exactly the workload's rate.
 */
export function* arrivalSchedule(rates: readonly number[], options: ArrivalScheduleOptions = {}): Generator<ScheduledRequest> {
  const random = mulberry32(options.seed ?? 1);
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let seq = 0;
  for (let second = 0; second < rates.length; second += 1) {
    const n = rates[second];
    let offsets: Float64Array;
    if (options.arrivals === 'poisson') {
      offsets = new Float64Array(n);
      for (let i = 0; i < n; i += 1) offsets[i] = random() * 1000;
      offsets.sort();
    } else {
      offsets = new Float64Array(n);
      for (let i = 0; i < n; i += 1) offsets[i] = (i * 1000) / n;
    }
    for (let i = 0; i < n; i += 1) {
      if (seq >= limit) return;
      yield { seq, second, intendedMs: second * 1000 + offsets[i] };
      seq += 1;
    }
  }
}
