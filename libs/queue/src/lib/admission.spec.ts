import { decideAdmission } from './admission';
import { DrainRateMeter } from './drain-rate-meter';
import { limiterFor } from './drain-rate-limit';
import { idempotentQueueJobId, parsePublicJobId, publicJobId, queueKeys } from './queue-naming';

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

describe('the limiter for a drain rate', () => {
  it('keeps the rate in windows of whole jobs', () => {
    for (const rate of [0.5, 1, 2, 2.5, 5, 7, 50, 333, 5_000, Math.PI]) {
      const limiter = limiterFor(rate)!;
      expect((limiter.max * 1000) / limiter.duration).toBeGreaterThan(rate * 0.97);
      expect((limiter.max * 1000) / limiter.duration).toBeLessThan(rate * 1.03);
      expect(limiter.duration).toBeLessThanOrEqual(10_000);
    }
    expect(limiterFor(50)).toEqual({ max: 50, duration: 1000 });
    expect(limiterFor(2.5)).toEqual({ max: 5, duration: 2000 });
    expect(limiterFor(0.5)).toEqual({ max: 1, duration: 2000 });
  });

  it('is off for 0 (unlimited)', () => {
    expect(limiterFor(0)).toBeUndefined();
  });
});

describe('queue naming', () => {
  it('documents the Redis keys KEDA reads', () => {
    expect(queueKeys('digits-cnn')).toMatchObject({
      wait: 'bull:digits-cnn:wait',
      prioritized: 'bull:digits-cnn:prioritized',
      active: 'bull:digits-cnn:active',
    });
  });

  it('round-trips public job ids and hashes idempotency keys into ids BullMQ accepts', () => {
    expect(parsePublicJobId(publicJobId('tiny-lm', 'abc-1'))).toEqual({ model: 'tiny-lm', queueJobId: 'abc-1' });
    expect(parsePublicJobId('no-model')).toBeUndefined();
    const id = idempotentQueueJobId('order:42');
    expect(id).not.toContain(':');
    expect(id).toBe(idempotentQueueJobId('order:42'));
    expect(id).not.toBe(idempotentQueueJobId('order:43'));
  });
});
