import { waitFor } from '@ai/local-stack';
import { JobLedger } from '../support/job-ledger';
import { reportFault } from '../support/fault-report';
import { sleep } from '../support/load-driver';
import { metricValue } from '../support/metrics-reader';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

const JOBS = 10;

/**
 * The worker process that completed the jobs dies (SIGKILL) while their callbacks wait for a retry, because the
 * receiver is down. The callbacks live in Redis, not in that process: a worker started afterwards delivers them.
 */
describe('dispatcher worker killed while its callbacks wait for a retry', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({ dispatcherEnv: { ROLE: 'api', CALLBACK_ATTEMPTS: '10' }, workerCount: 1 });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('delivers every callback through another worker once the receiver is back', async () => {
    const receiver = stack.receiver;
    const item = await digitItem({ callbackUrl: receiver.url });
    const ledger = new JobLedger(() => stack.dispatcherUrl);
    await receiver.down();
    for (let i = 0; i < JOBS; i += 1) await ledger.enqueue(item);
    const counts = await ledger.settle(60_000);
    // Let the first deliveries fail, so each callback is waiting for a retry when the worker dies.
    await sleep(500);
    const givenUpBeforeKill = await metricValue(stack.workers[0].url, 'dispatcher_callbacks_total', { status: 'failed' });
    await stack.workers[0].stop('SIGKILL');
    await receiver.up();
    const restartedAt = Date.now();
    stack.workers.push(await stack.startDispatcher({ ROLE: 'worker' }));
    await waitFor('every callback to arrive', () => ledger.accepted.every((id) => receiver.jobIds().has(id)), 60_000, 100).catch(() => undefined);
    const recoveryMs = Date.now() - restartedAt;
    const delivered = ledger.accepted.filter((id) => receiver.jobIds().has(id)).length;

    const report = reportFault('callback-worker-sigkill', {
      fault: `ROLE=worker dispatcher SIGKILL while the callbacks of the ${JOBS} jobs it completed wait for a retry (receiver down); receiver back and a new worker started after the kill`,
      accepted: counts.accepted,
      completed: counts.completed,
      failed: counts.failed,
      lost: counts.accepted - delivered,
      recoveryMs,
      details: { callbacksDelivered: delivered, callbackRequests: receiver.hits, givenUpBeforeKill },
    });
    expect(counts.completed).toBe(JOBS);
    expect(givenUpBeforeKill).toBe(0);
    expect(report.lost).toBe(0);
  });
});
