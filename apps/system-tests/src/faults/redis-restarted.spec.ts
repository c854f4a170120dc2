import { waitFor } from '@ai/local-stack';
import { JobLedger } from '../support/job-ledger';
import { reportLedgerFault } from '../support/fault-report';
import { sleep } from '../support/load-driver';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

/**
 * Redis dies (SIGKILL) with a backlog waiting and comes back from its append-only file, as the chart and
 * compose run it. Nothing restarts the apps: they must reconnect by themselves.
 */
describe('Redis killed and restarted with a backlog waiting (AOF on)', () => {
  let stack: Stack;

  beforeAll(async () => {
    // 4 jobs/s drain: a backlog of 40 jobs is mostly still waiting when Redis dies.
    stack = await Stack.start({ dispatcherEnv: { DRAIN_RATE: '4', ATTEMPTS: '5', BACKOFF_MS: '500' } });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('keeps waiting jobs, reports not ready while Redis is away, reconnects and completes them all', async () => {
    const item = await digitItem();
    const ledger = new JobLedger(() => stack.dispatcherUrl);
    for (let i = 0; i < 40; i += 1) await ledger.enqueue(item);
    await sleep(1_500); // appendfsync everysec: what was written a second ago is on disk
    await ledger.refresh();
    const waitingAtKill = ledger.counts().pending;

    await stack.redis.stop(true);
    const downAt = Date.now();
    const notReadyAfterMs = await waitFor(
      '/ready to turn false',
      async () => ((await readyStatus(stack.dispatcherUrl)) === 503 ? Date.now() - downAt : undefined),
      30_000,
      100,
    );
    // An enqueue while Redis is away must answer (an error), not hang.
    const duringOutage = Date.now();
    const outageEnqueue = await ledger.enqueue(item);
    const outageEnqueueMs = Date.now() - duringOutage;
    await sleep(3_000);
    expect(await readyStatus(stack.dispatcherUrl)).toBe(503);

    await stack.redis.start();
    const upAt = Date.now();
    await waitFor('/ready to turn true', async () => (await readyStatus(stack.dispatcherUrl)) === 200, 60_000, 100);
    const readyAgainMs = Date.now() - upAt;
    const afterRestart = await ledger.enqueue(item);
    const counts = await ledger.settle(120_000);

    const report = reportLedgerFault('redis-restart', {
      fault: 'redis-server SIGKILL with a backlog waiting, down ~3 s, restarted from its AOF',
      counts,
      recoveryMs: readyAgainMs,
      details: {
        waitingAtKill,
        notReadyAfterMs,
        outageEnqueueAccepted: outageEnqueue !== undefined,
        outageEnqueueMs,
        acceptedAfterRestart: afterRestart !== undefined,
      },
    });
    expect(waitingAtKill).toBeGreaterThan(10);
    expect(afterRestart).toBeDefined();
    expect(outageEnqueueMs).toBeLessThan(15_000);
    expect(report.lost).toBe(0);
    expect(report.completed).toBe(report.accepted);
  });
});
