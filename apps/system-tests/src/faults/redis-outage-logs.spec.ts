import { waitFor } from '@ai/local-stack';
import { recordReport, reportLedgerFault } from '../support/fault-report';
import { JobLedger } from '../support/job-ledger';
import { driveLoad, sleep } from '../support/load-driver';
import { auditLogLines, linesBetween } from '../support/log-lines';
import { metricValue } from '../support/metrics-reader';
import { Stack } from '../support/stack';
import { digitItem } from '../support/work-items';

const OUTAGE_MS = Number(process.env.RELIABILITY_REDIS_OUTAGE_MS ?? 15_000);

async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/ready`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

/**
 * Redis SIGKILLed while 10 jobs/s arrive, away for 15 s, restarted from its AOF; the load never stops. Every line
 * the dispatcher writes must be JSON, and the outage must cost a bounded number of lines, not one per reconnect
 * attempt and per refused request. Nothing restarts the dispatcher.
 */
describe('Redis killed and restarted under load: the dispatcher logs a bounded number of JSON lines', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start({ dispatcherEnv: { LOG_LEVEL: 'warn', ATTEMPTS: '5', BACKOFF_MS: '500' } });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it('refuses with 503 while Redis is away, completes every accepted job, and writes only a few JSON lines', async () => {
    const item = await digitItem();
    const url = stack.dispatcherUrl;
    const ledger = new JobLedger(() => url);
    let refusedDuringOutage = 0;
    let killedAt = 0;
    let restartedAt = 0;
    let readyAgainAt = 0;
    const outputBefore = stack.dispatchers[0].output().length;

    const fault = (async () => {
      await sleep(5_000);
      await stack.redis.stop(true);
      killedAt = Date.now();
      await waitFor('/ready to turn 503', async () => (await readyStatus(url)) === 503, 30_000, 100);
      expect(await metricValue(url, 'dispatcher_redis_up')).toBe(0);
      await sleep(OUTAGE_MS);
      await stack.redis.start();
      restartedAt = Date.now();
      await waitFor('/ready to turn 200', async () => (await readyStatus(url)) === 200, 60_000, 100);
      readyAgainAt = Date.now();
      expect(await metricValue(url, 'dispatcher_redis_up')).toBe(1);
    })();
    let faultDone = false;
    void fault.finally(() => (faultDone = true)).catch(() => undefined);

    // 10 enqueues a second from before the kill until 8 s after Redis is back.
    const load = await driveLoad({
      ratePerSecond: 10,
      maxMs: 5_000 + OUTAGE_MS + 60_000,
      until: () => faultDone && Date.now() - readyAgainAt > 8_000,
      send: async () => {
        const id = await ledger.enqueue(item);
        if (!id && killedAt && !restartedAt) refusedDuringOutage += 1;
      },
    });
    await fault;
    const counts = await ledger.settle(120_000);
    const endedAt = Date.now();

    const audit = auditLogLines(stack.dispatchers[0].output().slice(outputBefore));
    const outage = linesBetween(audit.json, killedAt, readyAgainAt);
    const report = reportLedgerFault('redis-outage-logs', {
      fault: `redis-server SIGKILL under 10 enqueues/s, away ${OUTAGE_MS / 1000} s, restarted from its AOF`,
      counts,
      recoveryMs: readyAgainAt - restartedAt,
      details: {
        sent: load.sent,
        refusedDuringOutage,
        outageMs: restartedAt - killedAt,
        linesDuringOutage: outage.length,
        linesFromLoadStartToEnd: audit.json.length + audit.notJson.length,
        testSpanMs: endedAt - (killedAt - 5_000),
        notJson: audit.notJson.length,
        byMessage: audit.byMessage,
        redisErrors: outage
          .filter((line) => line.message === 'redis error')
          .map((line) => `${String(line.source)}: ${String(line.error)} (repeats ${String(line.repeats ?? 0)})`),
      },
    });
    expect(refusedDuringOutage).toBeGreaterThan(50);
    expect(audit.notJson).toEqual([]);
    // One line per reconnect attempt (five connections, every 100 ms .. 2 s) and per refused request (10/s) would
    // be hundreds; once per backoff step per distinct error it is a handful.
    expect(outage.length).toBeLessThanOrEqual(25);
    expect(audit.json.length).toBeLessThanOrEqual(40);
    expect(report.lost).toBe(0);
    expect(report.completed).toBe(report.accepted);
  });

  it('on SIGTERM while Redis is away, exits 0 at once instead of waiting for a reconnect', async () => {
    const url = stack.dispatcherUrl;
    // A synchronous /infer first, so the process holds every kind of connection (queue events included).
    const sync = await fetch(`${url}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await digitItem()) });
    expect(sync.status).toBe(200);
    await stack.redis.stop(true);
    await waitFor('/ready to turn 503', async () => (await readyStatus(url)) === 503, 30_000, 100);
    const dispatcher = stack.dispatchers[0];
    const signalledAt = Date.now();
    const exitCode = await dispatcher.stop('SIGTERM');
    const exitMs = Date.now() - signalledAt;
    recordReport('redis-away-sigterm', { exitCode, exitMs });
    expect(exitCode).toBe(0);
    expect(exitMs).toBeLessThan(10_000);
    expect(auditLogLines(dispatcher.output()).notJson).toEqual([]);
  });
});
