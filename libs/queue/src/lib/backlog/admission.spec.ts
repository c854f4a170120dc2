import { decideAdmission } from './admission';
import { DrainRateMeter } from './drain-rate-meter';

describe('deadline-aware admission', () => {
  const base = { queued: 0, backlog: 0, adding: 1, configuredRate: 2 };

  it('admits when the predicted wait fits the deadline', () => {
    expect(decideAdmission({ ...base, backlog: 3, deadlineMs: 2_000 })).toMatchObject({ admit: true, predictedWaitMs: 1_500 });
  });

  it('rejects when backlog / measured rate exceeds the deadline, with Retry-After until it would fit', () => {
    const decision = decideAdmission({ ...base, backlog: 100, measuredRate: 10, deadlineMs: 4_000 });
    expect(decision).toMatchObject({ admit: false, reason: 'deadline', retryAfterSeconds: 6, predictedWaitMs: 10_000 });
  });

  it('uses the configured rate only while nothing was measured', () => {
    expect(decideAdmission({ ...base, backlog: 10, deadlineMs: 4_000 })).toMatchObject({ admit: false, predictedWaitMs: 5_000 });
    expect(decideAdmission({ ...base, backlog: 10, measuredRate: 5, deadlineMs: 4_000 })).toMatchObject({ admit: true, predictedWaitMs: 2_000 });
  });

  it('cannot predict with an unlimited drain rate and nothing measured, so admits', () => {
    expect(decideAdmission({ ...base, configuredRate: 0, backlog: 1_000_000, deadlineMs: 1 })).toEqual({ admit: true, predictedWaitMs: undefined });
  });

  it('applies MAX_QUEUE_LENGTH to what is queued plus what is being added', () => {
    expect(decideAdmission({ ...base, queued: 9, maxQueueLength: 10 }).admit).toBe(true);
    const full = decideAdmission({ ...base, queued: 9, adding: 5, maxQueueLength: 10 });
    expect(full).toMatchObject({ admit: false, reason: 'queue_full', retryAfterSeconds: 2 });
    expect(decideAdmission({ ...base, queued: 1e9, maxQueueLength: 0 }).admit).toBe(true);
  });
});

describe('the drain-rate meter', () => {
  it('measures jobs per second over the window from counter samples', () => {
    const meter = new DrainRateMeter({ windowMs: 10_000 });
    for (let s = 0; s <= 20; s += 1) meter.record(s * 5, s * 1000);
    expect(meter.rate()).toBeCloseTo(5, 5);
  });

  it('forgets samples older than the window, so a change of pace shows within it', () => {
    const meter = new DrainRateMeter({ windowMs: 2_000 });
    let count = 0;
    for (let s = 0; s <= 10; s += 1) meter.record((count += 10), s * 1000);
    for (let s = 11; s <= 14; s += 1) meter.record((count += 2), s * 1000);
    expect(meter.rate()).toBeCloseTo(2, 5);
  });

  it('has no rate before a second of samples, when idle, or right after a counter reset', () => {
    const meter = new DrainRateMeter();
    meter.record(5, 0);
    meter.record(6, 500);
    expect(meter.rate()).toBeUndefined();
    meter.record(6, 5_000);
    expect(meter.rate()).toBeCloseTo(0.2, 5);
    meter.record(0, 6_000);
    expect(meter.rate()).toBeUndefined();
  });
});
