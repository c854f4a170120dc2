import { OutcomeLedger } from './outcome-ledger';

describe('OutcomeLedger', () => {
  it('settles each request once, so the four outcomes add up to the scheduled total', () => {
    const ledger = new OutcomeLedger();
    for (let seq = 0; seq < 2000; seq += 1) ledger.schedule(seq);
    expect(ledger.settle(0, 'completed')).toBe(true);
    expect(ledger.settle(0, 'failed', 'late callback')).toBe(false);
    expect(ledger.settle(1, 'timedOut')).toBe(true);
    expect(ledger.settle(1, 'completed')).toBe(false);
    expect(ledger.settle(2, 'failed', 'enqueue_429')).toBe(true);
    expect(ledger.settle(3, 'failed', 'enqueue_429')).toBe(true);
    expect(ledger.settle(4, 'failed', 'network')).toBe(true);
    expect(ledger.settle(5000, 'completed')).toBe(false);
    expect(ledger.pending).toBe(1995);
    expect(ledger.settleRemaining(2000, 'notSent')).toBe(1995);
    const totals = ledger.totals();
    expect(totals).toEqual({ scheduled: 2000, completed: 1, failed: 3, timedOut: 1, notSent: 1995 });
    expect(totals.completed + totals.failed + totals.timedOut + totals.notSent).toBe(totals.scheduled);
    expect(ledger.failuresByReason()).toEqual({ enqueue_429: 2, network: 1 });
  });
});
