import { driveLoad, sleep } from '../support/load-driver';
import { JobLedger } from '../support/job-ledger';
import { reportLedgerFault } from '../support/fault-report';
import { timeUntilServing } from '../support/recovery';
import { metricValue } from '../support/metrics-reader';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

/**
 * An inference process dies (SIGKILL, no goodbye) while jobs are in flight and comes back on the same
 * address, as a crashed pod restarts behind its Service.
 */
describe('inference process killed with SIGKILL mid-run, then restarted', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({
      // A few milliseconds of work per request keeps requests in flight when the kill lands.
      inferenceEnv: { ARTIFICIAL_CPU_SEC: '0.005' },
      // Retries span ~60 s (1+2+4+8+16+32 s), longer than a restart on a busy machine.
      dispatcherEnv: { ATTEMPTS: '7', BACKOFF_MS: '1000', CONCURRENCY: '4', UPSTREAM_TIMEOUT_MS: '10000' },
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('ends every accepted job completed (after retry) or failed with a reason: none is lost', async () => {
    const item = await digitItem();
    const ledger = new JobLedger(() => stack.dispatcherUrl);
    let killedAt = 0;
    let recoveryMs: number | undefined;
    const fault = (async () => {
      await sleep(3_000);
      killedAt = Date.now();
      await stack.restartInference(0, 'SIGKILL');
      recoveryMs = await timeUntilServing(() => stack.dispatcherUrl, item, killedAt, 120_000);
    })();
    await driveLoad({ ratePerSecond: 15, maxMs: 8_000, send: () => ledger.enqueue(item) });
    await fault;
    const counts = await ledger.settle(120_000);
    const retried = await metricValue(stack.dispatcherUrl, 'dispatcher_jobs_total', { status: 'retried' });

    const report = reportLedgerFault('inference-sigkill', {
      fault: 'inference SIGKILL after 3 s of 15 jobs/s, restarted on the same port',
      counts,
      recoveryMs: recoveryMs ?? -1,
      details: { retried, notAccepted: counts.notAccepted, failedReasons: counts.failedReasons, killedAfterMs: 3_000 },
    });
    expect(report.accepted).toBeGreaterThan(50);
    expect(report.lost).toBe(0);
    expect(report.accepted).toBe(report.completed + report.failed);
    expect(counts.failedReasons.every((reason) => reason.length > 0)).toBe(true);
    expect(recoveryMs).toBeDefined();
    // The fault did hit jobs: some needed a retry.
    expect(retried).toBeGreaterThan(0);
  });
});
