import { DispatcherReadiness, ErrorBody } from '@ai/contracts';
import { freePort, startNodeService, startRedisServer, waitFor, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import { reportLedgerFault } from '../support/fault-report';
import { JobLedger } from '../support/job-ledger';
import { sleep } from '../support/load-driver';
import { auditLogLines, linesBetween } from '../support/log-lines';
import { metricValue } from '../support/metrics-reader';
import { DISPATCHER_ENTRY, READY_TIMEOUT_MS, startInferenceProcess } from '../support/stack';
import { digitItem } from '../support/work-items';

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: unknown; ms: number }> {
  const started = Date.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // metrics and other text bodies stay text
  }
  return { status: response.status, headers: response.headers, body, ms: Date.now() - started };
}

const post = (url: string, body: unknown) => call(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/**
 * A dispatcher started before its Redis (a pod up before Redis, a typo in REDIS_URL): it must listen at once,
 * say where Redis stands on every probe, refuse work with 503s that name Redis, and heal by itself when Redis
 * appears on that port: no restart.
 */
describe('dispatcher started with no Redis, then Redis started on its port', () => {
  let redisPort: number;
  let redis: RunningRedisServer | undefined;
  let inference: RunningNodeService;
  let dispatcher: RunningNodeService;
  let spawnedAt: number;

  beforeAll(async () => {
    redisPort = await freePort();
    inference = await startInferenceProcess('digits-cnn');
    spawnedAt = Date.now();
    dispatcher = await startNodeService({
      name: 'dispatcher (no Redis)',
      entry: DISPATCHER_ENTRY,
      // /ready is 503 until Redis exists: /health is what says "alive".
      readyPath: '/health',
      readyTimeoutMs: READY_TIMEOUT_MS,
      env: {
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        INFERENCE_URLS: `digits-cnn=${inference.url}`,
        CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
        DRAIN_RATE: '0',
        LOG_LEVEL: 'warn',
        SHUTDOWN_GRACE_MS: '10000',
      },
    });
  });

  afterAll(async () => {
    await dispatcher?.stop();
    await inference?.stop();
    await redis?.dispose();
  });

  it('listens without Redis: /health 200, /ready and the API 503 naming Redis, /metrics with dispatcher_redis_up 0; then heals when Redis appears', async () => {
    const listenedAfterMs = Date.now() - spawnedAt;
    const url = dispatcher.url;
    const item = await digitItem();

    const health = await call(`${url}/health`);
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', role: 'all' });

    const ready = await call(`${url}/ready`);
    expect(ready.status).toBe(503);
    const readiness = DispatcherReadiness.parse(ready.body);
    expect(readiness).toMatchObject({ ready: false, redis: 'unreachable' });
    expect(Date.parse(readiness.since)).toBeLessThanOrEqual(Date.now());
    expect(readiness.lastError).toMatch(/ECONNREFUSED/);

    const refusals = [];
    for (const [path, body] of [
      ['/enqueue', item],
      ['/enqueue', { items: [item, item] }],
      ['/infer', item],
    ] as const) {
      const answer = await post(`${url}${path}`, body);
      expect(answer.status).toBe(503);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const error = ErrorBody.parse(answer.body).error;
      expect(error).toMatchObject({ code: 'unavailable', details: { dependency: 'redis', redis: 'unreachable' } });
      expect(error.message).toMatch(/Redis\) is unreachable since .*ECONNREFUSED/);
      refusals.push({ path, ms: answer.ms, retryAfter: answer.headers.get('retry-after') });
    }
    // Answered at once, not after a connection timeout.
    expect(Math.max(...refusals.map((r) => r.ms))).toBeLessThan(2_000);
    expect((await call(`${url}/jobs/digits-cnn:nope`)).status).toBe(503);

    const metrics = await call(`${url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metricValue(url, 'dispatcher_redis_up')).toBe(0);

    // A while without Redis: the reconnect attempts must not flood the log.
    const quietFrom = Date.now();
    await sleep(10_000);
    const quietTo = Date.now();

    redis = await startRedisServer({ port: redisPort, appendOnly: true });
    const redisUpAt = Date.now();
    await waitFor('/ready to turn 200', async () => (await call(`${url}/ready`)).status === 200, 60_000, 100);
    const readyAfterRedisMs = Date.now() - redisUpAt;
    const readyBody = DispatcherReadiness.parse((await call(`${url}/ready`)).body);
    expect(readyBody).toMatchObject({ ready: true, redis: 'up' });
    expect(await metricValue(url, 'dispatcher_redis_up')).toBe(1);

    // The workers started by themselves: jobs complete, asynchronous and synchronous alike.
    const ledger = new JobLedger(() => url);
    for (let i = 0; i < 20; i += 1) expect(await ledger.enqueue(item)).toBeDefined();
    const sync = await post(`${url}/infer`, item);
    expect(sync.status).toBe(200);
    expect(sync.body).toMatchObject({ state: 'completed' });
    const counts = await ledger.settle(120_000);

    const audit = auditLogLines(dispatcher.output());
    const outageLines = linesBetween(audit.json, quietFrom, quietTo);
    const report = reportLedgerFault('redis-absent-at-start', {
      fault: `dispatcher started with nothing listening on REDIS_URL; redis-server started on that port ${Math.round((redisUpAt - spawnedAt) / 1000)} s later`,
      counts,
      recoveryMs: readyAfterRedisMs,
      details: {
        listenedAfterMs,
        refusals,
        readiness,
        linesTotal: audit.json.length + audit.notJson.length,
        linesDuring10sWithoutRedis: outageLines.length,
        notJson: audit.notJson.length,
        byMessage: audit.byMessage,
      },
    });
    expect(audit.notJson).toEqual([]);
    // One line per reconnect attempt (every 100 ms up to 2 s) and per refused request would be dozens.
    expect(outageLines.length).toBeLessThanOrEqual(8);
    expect(audit.json.length).toBeLessThanOrEqual(30);
    expect(report.lost).toBe(0);
    expect(report.completed).toBe(20);
  });
});
