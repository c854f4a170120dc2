import { waitFor } from '@ai/local-stack';
import { JobLedger } from '../support/job-ledger';
import { reportFault } from '../support/fault-report';
import { sleep } from '../support/load-driver';
import { metricValue } from '../support/metrics-reader';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

/** Receiver outage; the notifier's retries (200 ms doubling, 8 tries: ~25 s in all) outlast it. */
const RECEIVER_DOWN_MS = 4_000;

/**
 * The callback receiver (the load tester's /storeLatency) is down when jobs finish. Callbacks must retry
 * with backoff and arrive once it is back; the result must stay readable with GET /jobs/:id meanwhile.
 */
describe('callback receiver down while jobs complete', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({ dispatcherEnv: { CALLBACK_ATTEMPTS: '8' } });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('keeps results readable, retries callbacks with backoff and delivers them when the receiver returns', async () => {
    const receiver = stack.receiver;
    const item = await digitItem({ callbackUrl: receiver.url });
    const ledger = new JobLedger(() => stack.dispatcherUrl);
    await receiver.down();
    const downAt = Date.now();
    for (let i = 0; i < 20; i += 1) await ledger.enqueue(item);

    // Every job completes and is readable while its callback cannot be delivered.
    const whileDown = await ledger.settle(60_000);
    const readableWhileDown = whileDown.completed;
    const failedDeliveriesWhileDown = await metricValue(stack.dispatcherUrl, 'dispatcher_callbacks_total', { status: 'failed' });
    await sleep(Math.max(0, RECEIVER_DOWN_MS - (Date.now() - downAt)));
    expect(receiver.received).toHaveLength(0);

    await receiver.up();
    const upAt = Date.now();
    await waitFor('every callback to arrive', () => ledger.accepted.every((id) => receiver.jobIds().has(id)), 60_000, 100).catch(() => undefined);
    const recoveryMs = Date.now() - upAt;
    const delivered = ledger.accepted.filter((id) => receiver.jobIds().has(id)).length;

    const report = reportFault('callback-receiver-down', {
      fault: `callback receiver down ${RECEIVER_DOWN_MS / 1000} s while 20 jobs complete, then back on the same port`,
      accepted: whileDown.accepted,
      completed: whileDown.completed,
      failed: whileDown.failed,
      lost: whileDown.accepted - delivered,
      recoveryMs,
      details: {
        readableWhileDown,
        callbacksDelivered: delivered,
        callbackRequests: receiver.hits,
        failedDeliveriesWhileDown,
        receiverDownMs: RECEIVER_DOWN_MS,
      },
    });
    expect(readableWhileDown).toBe(20);
    expect(failedDeliveriesWhileDown).toBe(0); // still retrying, not given up
    expect(report.lost).toBe(0);
    expect(receiver.received.every((callback) => callback.status === 'completed')).toBe(true);
  });
});
