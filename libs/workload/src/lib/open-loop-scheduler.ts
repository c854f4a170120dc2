import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { arrivalSchedule, type ArrivalScheduleOptions, type ScheduledRequest } from './arrival-schedule';
import { LatencyHistogram, type LatencySummary } from './latency-histogram';
import { lateAgainstSchedule, meanGapMs, scheduleVerdict, type LateSend } from './schedule-verdict';

export interface OpenLoopOptions extends ArrivalScheduleOptions {
  /** Requests per second, one value per second. */
  rates: readonly number[];
  /**
   * Starts one request. Must return at once (start the I/O, do not await it): the scheduler never waits
   * for responses, which is what makes the load open-loop.
   */
  send(request: ScheduledRequest, sentAtMs: number): void;
  /** Stops scheduling; requests not yet sent are reported as not sent. */
  signal?: AbortSignal;
  /**
   * How close to a deadline the scheduler stops sleeping in setTimeout (whose wake-ups are late by up to a
   * millisecond or more) and spins on setImmediate instead. Default 2 ms.
   */
  spinMs?: number;
  /** Lateness below this never counts against the schedule, however high the rate (`lateAgainstSchedule`). Default 5 ms. */
  lateFloorMs?: number;
  /** More than this share of sends late against the schedule flags the run generator-limited. Default 0.01 (1 %). */
  maxLateShare?: number;
  /** Called once per elapsed second with that second's figures (for progress bars and live logs). */
  onSecond?(second: SecondSchedule): void;
  /** The run's time origin (performance.now() value); default: when `runOpenLoop` is called. */
  origin?: number;
}

/** What the generator achieved in one second of wall-clock time. */
export interface SecondSchedule {
  second: number;
  /** Requests the workload asked for in this second. */
  target: number;
  /** Requests actually sent during this second of wall-clock time. */
  sent: number;
  latenessP50Ms: number;
  latenessP99Ms: number;
  /** Event-loop delay p99 in this second (perf_hooks.monitorEventLoopDelay). */
  eventLoopDelayP99Ms: number;
}

export interface ScheduleReport {
  /** performance.now() at the run's zero, and the same instant as epoch milliseconds. */
  origin: number;
  startedAtEpochMs: number;
  scheduled: number;
  sent: number;
  /** Scheduled but never sent (the run was aborted). */
  notSent: number;
  /** Send lateness (actual − intended send time) over the run. */
  lateness: LatencySummary;
  seconds: SecondSchedule[];
  /**
   * Sends that went out later than the mean gap between sends of their second (and at least `lateFloorMs`): the
   * tester bunched requests the schedule spaced apart. Lateness below that is information, not a failure.
   */
  lateSends: number;
  /** The latest of those sends: how late, in which second, and that second's gap. */
  worstLateSend?: LateSend;
  /** Largest |sent − target| / target over seconds with a target, in percent. */
  maxRateErrorPct: number;
  /** Mean of |sent − target| / target over seconds with a target, in percent. */
  meanRateErrorPct: number;
  /**
   * True when the tester itself measurably failed to keep the schedule (a second sent fewer requests than asked,
   * or more than 1 % of sends went out after the next one was due): then the figures describe the tester, not the
   * system. Send lateness below that is reported as information only.
   */
  generatorLimited: boolean;
  generatorLimitedReasons: string[];
  aborted: boolean;
}

/**
 * Sends a workload open-loop against absolute deadlines measured from one origin with performance.now():
 * a late wake-up never shifts the requests after it, unlike chained setTimeouts, which drift by whole
 * milliseconds. It sleeps in setTimeout until `spinMs` before the next deadline, then spins on setImmediate
 * (which still lets I/O callbacks run), and sends every request already due in one go, so the usual
 * lateness is microseconds.
 */
export function runOpenLoop(options: OpenLoopOptions): Promise<ScheduleReport> {
  const spinMs = options.spinMs ?? 2;
  const origin = options.origin ?? performance.now();
  const startedAtEpochMs = performance.timeOrigin + origin;
  const schedule = arrivalSchedule(options.rates, options);
  const targets = cappedRates(options.rates, options.limit);
  const lateness = new LatencyHistogram();
  const secondLateness = new LatencyHistogram();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const seconds: SecondSchedule[] = [];
  const sentBySecond = new Array<number>(options.rates.length + 1).fill(0);
  let currentSecond = 0;
  let scheduled = 0;
  let sent = 0;
  let lateSends = 0;
  let worstLateSend: ScheduleReport['worstLateSend'];
  let next = schedule.next();

  const closeSecond = () => {
    const second = currentSecond;
    const figures: SecondSchedule = {
      second,
      target: targets[second] ?? 0,
      sent: sentBySecond[second] ?? 0,
      latenessP50Ms: secondLateness.percentile(50),
      latenessP99Ms: secondLateness.percentile(99),
      eventLoopDelayP99Ms: loopDelay.count > 0 ? loopDelay.percentile(99) / 1e6 : 0,
    };
    seconds.push(figures);
    secondLateness.reset();
    loopDelay.reset();
    currentSecond += 1;
    options.onSecond?.(figures);
  };

  return new Promise<ScheduleReport>((resolve) => {
    const finish = (aborted: boolean) => {
      // Count the rest of the schedule as not sent (and close the seconds that never ran).
      let notSent = 0;
      for (; !next.done; next = schedule.next()) notSent += 1;
      scheduled += notSent;
      // Seconds cut short by an abort say nothing about whether the generator kept up.
      const ranSeconds = currentSecond;
      while (currentSecond < options.rates.length) closeSecond();
      loopDelay.disable();
      resolve(buildReport({ origin, startedAtEpochMs, scheduled, sent, notSent, lateness, lateSends, worstLateSend, seconds, aborted }, options, ranSeconds));
    };

    const tick = () => {
      if (options.signal?.aborted) return finish(true);
      let now = performance.now() - origin;
      while (!next.done && next.value.intendedMs <= now) {
        const request = next.value;
        while (now >= (currentSecond + 1) * 1000 && currentSecond < options.rates.length) closeSecond();
        const late = now - request.intendedMs;
        lateness.record(late);
        secondLateness.record(late);
        const rate = targets[request.second] ?? 1;
        if (lateAgainstSchedule(late, rate, options.lateFloorMs)) {
          lateSends += 1;
          if (!worstLateSend || late > worstLateSend.latenessMs) worstLateSend = { second: request.second, latenessMs: late, gapMs: meanGapMs(rate) };
        }
        const wallSecond = Math.floor(now / 1000);
        sentBySecond[Math.min(wallSecond, sentBySecond.length - 1)] += 1;
        scheduled += 1;
        sent += 1;
        options.send(request, now);
        next = schedule.next();
        now = performance.now() - origin;
      }
      while (now >= (currentSecond + 1) * 1000 && currentSecond < options.rates.length) closeSecond();
      if (next.done) {
        // Let the last second run out so its figures cover a whole second.
        const end = options.rates.length * 1000;
        if (now < end) return void setTimeout(tick, Math.min(250, Math.max(1, end - now)));
        return finish(false);
      }
      const wait = next.value.intendedMs - now;
      // Sleep in slices of at most 250 ms so an abort or a second boundary is noticed promptly.
      if (wait > spinMs + 1) setTimeout(tick, Math.min(250, Math.floor(wait - spinMs)));
      else setImmediate(tick);
    };
    tick();
  });
}

/** The per-second targets once `limit` requests have been scheduled: seconds past the cap ask for nothing. */
export function cappedRates(rates: readonly number[], limit = Number.POSITIVE_INFINITY): number[] {
  let left = limit;
  return rates.map((rate) => {
    const take = Math.max(0, Math.min(rate, left));
    left -= take;
    return take;
  });
}

function buildReport(
  run: Omit<ScheduleReport, 'lateness' | 'maxRateErrorPct' | 'meanRateErrorPct' | 'generatorLimited' | 'generatorLimitedReasons'> & {
    lateness: LatencyHistogram;
  },
  options: OpenLoopOptions,
  ranSeconds: number,
): ScheduleReport {
  const ran = run.seconds.slice(0, ranSeconds);
  const errors = ran.filter((s) => s.target > 0).map((s) => Math.abs(s.sent - s.target) / s.target);
  const verdict = scheduleVerdict({
    seconds: ran,
    sent: run.sent,
    lateSends: run.lateSends,
    worstLateSend: run.worstLateSend,
    maxLateShare: options.maxLateShare,
  });
  return {
    ...run,
    lateness: run.lateness.summary(),
    maxRateErrorPct: errors.length ? Math.max(...errors) * 100 : 0,
    meanRateErrorPct: errors.length ? (errors.reduce((a, b) => a + b, 0) / errors.length) * 100 : 0,
    generatorLimited: verdict.generatorLimited,
    generatorLimitedReasons: verdict.reasons,
  };
}
