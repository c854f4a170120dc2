import { driveLoad, sleep } from '../support/load-driver';
import { JobLedger } from '../support/job-ledger';
import { reportLedgerFault } from '../support/fault-report';
import { metricValue } from '../support/metrics-reader';
import { cpuShare, sampleProcess } from '../support/process-stats';
import { timeUntilServing } from '../support/recovery';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

/** A 30 s outage is what the retry schedule is built to ride out; the default run uses 10 s to keep the suite short. RELIABILITY_OUTAGE_MS=30000 runs the full one. */
const OUTAGE_MS = Number(process.env.RELIABILITY_OUTAGE_MS ?? 10_000);

/**
 * Inference stops answering (SIGSTOP: connections are accepted by the kernel but nothing answers, like a
 * network partition or a frozen node) and comes back (SIGCONT). Jobs must time out, back off, retry and
 * complete; meanwhile the dispatcher must idle, not spin.
 */
describe(`inference unreachable for ${OUTAGE_MS / 1000} s`, () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({
      // Retry delays 1, 2, 4, 8, 16 s (31 s in all) plus 2 s timeouts outlast a 30 s outage.
      dispatcherEnv: { ATTEMPTS: '7', BACKOFF_MS: '1000', UPSTREAM_TIMEOUT_MS: '2000', CONCURRENCY: '8' },
    });
  }, 180_000);

  afterAll(async () => {
    stack?.inference[0]?.process.kill('SIGCONT');
    await stack?.dispose();
  });

  it('retries with backoff and completes every job after the outage, without spinning hot', async () => {
    const item = await digitItem();
    const ledger = new JobLedger(() => stack.dispatcherUrl);
    const inference = stack.inference[0].process;
    const dispatcherPid = stack.dispatchers[0].process.pid ?? 0;

    // Jobs before the outage, then more during it.
    await driveLoad({ ratePerSecond: 10, maxMs: 2_000, send: () => ledger.enqueue(item) });
    inference.kill('SIGSTOP');
    const frozenAt = Date.now();
    await driveLoad({ ratePerSecond: 5, maxMs: 2_000, send: () => ledger.enqueue(item) });
    // CPU over the rest of the outage, when only timeouts and backoff timers are pending.
    const before = sampleProcess(dispatcherPid);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - frozenAt)));
    const after = sampleProcess(dispatcherPid);
    const retriedDuringOutage = await metricValue(stack.dispatcherUrl, 'dispatcher_jobs_total', { status: 'retried' });
    inference.kill('SIGCONT');
    const resumedAt = Date.now();

    const recoveryMs = await timeUntilServing(() => stack.dispatcherUrl, item, resumedAt, 120_000);
    const counts = await ledger.settle(120_000);
    const dispatcherCpu = before && after ? cpuShare(before, after) : Number.NaN;

    const report = reportLedgerFault('inference-unreachable', {
      fault: `inference frozen with SIGSTOP for ${OUTAGE_MS / 1000} s (connections hang), then SIGCONT`,
      counts,
      recoveryMs: recoveryMs ?? -1,
      details: {
        outageMs: OUTAGE_MS,
        dispatcherCpuShareDuringOutage: Math.round(dispatcherCpu * 1000) / 1000,
        retriedDuringOutage,
        failedReasons: counts.failedReasons,
      },
    });
    expect(report.lost).toBe(0);
    expect(report.accepted).toBeGreaterThan(20);
    expect(report.completed).toBe(report.accepted);
    // Nothing spins: a hot loop shows as ~1 core; timers and timeouts cost a few percent.
    expect(dispatcherCpu).toBeLessThan(0.3);
    // Backoff, not a retry storm: at most one retry per job per backoff step that fits in the outage.
    expect(retriedDuringOutage).toBeLessThanOrEqual(counts.accepted * 4);
    expect(recoveryMs).toBeDefined();
  });
});
