import { waitFor } from '@ai/local-stack';
import { JobLedger } from '../support/job-ledger';
import { reportLedgerFault } from '../support/fault-report';
import { metricValue } from '../support/metrics-reader';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

/** Job ids the dispatcher reports as active right now. */
async function activeJobs(dispatcherUrl: string, ids: string[]): Promise<string[]> {
  const states = await Promise.all(
    ids.map(async (id) => {
      const response = await fetch(`${dispatcherUrl}/jobs/${encodeURIComponent(id)}`, { signal: AbortSignal.timeout(5_000) });
      return response.ok ? ((await response.json()) as { state: string }).state : 'unknown';
    }),
  );
  return ids.filter((_id, i) => states[i] === 'active');
}

/**
 * A worker-only dispatcher process (ROLE=worker) dies mid-job. Its jobs stay in BullMQ's active list with a
 * lock nobody renews; another worker's stalled-job check must find them and run them again.
 */
describe('dispatcher worker process killed with SIGKILL mid-job', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({
      // Slow jobs (~0.3 s of CPU each) so the killed worker surely holds some when it dies.
      inferenceEnv: { ARTIFICIAL_CPU_SEC: '0.3' },
      // The API process runs no workers; short locks so a dead worker's jobs come back within seconds.
      dispatcherEnv: { ROLE: 'api', CONCURRENCY: '2', ATTEMPTS: '3', BACKOFF_MS: '500', LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' },
      workerCount: 1,
    });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('recovers its active jobs as stalled and another worker finishes them', async () => {
    const item = await digitItem();
    const ledger = new JobLedger(() => stack.dispatcherUrl);
    for (let i = 0; i < 12; i += 1) await ledger.enqueue(item);

    const doomed = await waitFor(
      'the first worker to hold active jobs',
      async () => {
        const active = await activeJobs(stack.dispatcherUrl, ledger.accepted);
        return active.length > 0 ? active : undefined;
      },
      60_000,
      50,
    );
    const killedAt = Date.now();
    await stack.workers[0].stop('SIGKILL');
    const rescuer = await stack.startDispatcher({ ROLE: 'worker', CONCURRENCY: '2', LOCK_DURATION_MS: '2000', STALLED_INTERVAL_MS: '1000' });
    stack.workers.push(rescuer);

    // Recovery: every job the dead worker held is finished by the new one.
    await waitFor(
      "the dead worker's jobs to finish",
      async () => {
        await ledger.refresh();
        const states = await Promise.all(
          doomed.map(async (id) => ((await (await fetch(`${stack.dispatcherUrl}/jobs/${encodeURIComponent(id)}`)).json()) as { state: string }).state),
        );
        return states.every((state) => state === 'completed' || state === 'failed');
      },
      120_000,
      250,
    );
    const recoveryMs = Date.now() - killedAt;
    const counts = await ledger.settle(120_000);
    const stalled = await metricValue(rescuer.url, 'dispatcher_stalled_jobs_total');
    const doomedStates = await Promise.all(
      doomed.map(async (id) => (await (await fetch(`${stack.dispatcherUrl}/jobs/${encodeURIComponent(id)}`)).json()) as { state: string; attempts: number }),
    );

    const report = reportLedgerFault('worker-sigkill', {
      fault: 'ROLE=worker dispatcher SIGKILL while holding active jobs; a second worker started after the kill',
      counts,
      recoveryMs,
      details: {
        activeAtKill: doomed.length,
        stalledDetected: stalled,
        doomedStates: doomedStates.map(({ state, attempts }) => ({ state, attempts })),
        lockDurationMs: 2000,
        stalledIntervalMs: 1000,
      },
    });
    expect(report.lost).toBe(0);
    expect(report.accepted).toBe(12);
    expect(report.completed).toBe(12);
    expect(doomedStates.every((status) => status.state === 'completed')).toBe(true);
    expect(stalled).toBeGreaterThanOrEqual(1);
  });
});
