import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { createLogger } from '@ai/observability';
import { parseLoadTesterConfig } from '../src/config';
import { start, type RunningLoadTester } from '../src/server';
import { FAKE_TOKENS, startFakeDispatcher, type FakeDispatcher } from './fake-dispatcher';

const logger = createLogger({ service: 'load-tester-test', level: 'error' });
// Answers are checked field by field with jest matchers, which report any mismatch precisely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('load tester server mode', () => {
  let dispatcher: FakeDispatcher;
  let tester: RunningLoadTester;
  let reports: string;

  beforeAll(async () => {
    dispatcher = await startFakeDispatcher();
    reports = mkdtempSync(join(tmpdir(), 'lt-server-'));
    tester = await start(
      parseLoadTesterConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        TARGET_URL: dispatcher.url,
        REPORTS_DIR: reports,
        TIMEOUT_SECONDS: '5',
        MAX_RUN_SECONDS: '30',
        IMAGES_DIR: join(WORKSPACE_ROOT, 'workloads/images'),
        PROMPTS_FILE: join(WORKSPACE_ROOT, 'workloads/prompts.txt'),
        MODEL_REPOSITORY: join(WORKSPACE_ROOT, 'models'),
      }),
      { logger },
    );
  });

  afterAll(async () => {
    await tester.stop();
    await dispatcher.close();
    rmSync(reports, { recursive: true, force: true });
  });

  it('answers the probes every service has (/healthz, /readyz), /health, /metrics and /docs', async () => {
    expect(await json(await fetch(`${tester.url}/healthz`))).toEqual({ status: 'ok' });
    expect((await fetch(`${tester.url}/readyz`)).status).toBe(200);
    expect(await json(await fetch(`${tester.url}/health`))).toMatchObject({ status: 'ok', running: false });
    expect(await (await fetch(`${tester.url}/metrics`)).text()).toContain('load_tester_run_in_progress');
    expect((await fetch(`${tester.url}/docs/`)).status).toBe(200);
  });

  it('answers 409 to /generateReport before any run', async () => {
    const res = await post(`${tester.url}/generateReport`, {});
    expect(res.status).toBe(409);
    expect((await json(res)).error.code).toBe('no_run');
  });

  it('rejects bad bodies with 400 naming the field', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/storeLatency', { jobId: 'x', model: 'm', status: 'completed', attempts: 1 }, 'timings'],
      ['/storeLatency', { jobId: 'x', model: 'm', status: 'weird', attempts: 1, timings: { enqueuedAt: 1 } }, 'status'],
      ['/runLoadTest', { maxImages: 0 }, 'maxImages'],
      ['/runLoadTest', { workload: 5 }, 'workload'],
      ['/runLoadTest', { extra: true }, 'body'],
      ['/generateReport', { totalRequests: -1 }, 'totalRequests'],
    ];
    for (const [path, body, field] of cases) {
      const res = await post(`${tester.url}${path}`, body);
      expect([path, res.status]).toEqual([path, 400]);
      expect((await json(res)).error.field).toBe(field);
    }
    const malformed = await post(`${tester.url}/storeLatency`, '{"jobId":');
    expect(malformed.status).toBe(400);
  });

  it('rejects a bad workload with 400 naming its line and column', async () => {
    const res = await post(`${tester.url}/runLoadTest`, { workload: '1,2\n3,x' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.field).toBe('workload');
    expect(body.error.message).toContain('workload:2:3');
    expect(body.error.details).toEqual({ line: 2, column: 3 });
  });

  it('runs a load test, matches callbacks (also those that overtake the 202) and writes the report with missing requests as not sent', async () => {
    const started = await post(`${tester.url}/runLoadTest`, { workload: '4\n4', maxImages: 6 });
    expect(started.status).toBe(202);
    const run = await json(started);
    expect(run).toMatchObject({ scheduled: 6, seconds: 2 });
    expect((await post(`${tester.url}/runLoadTest`, {})).status).toBe(409);

    const res = await post(`${tester.url}/generateReport`, { totalRequests: 8 });
    expect(res.status).toBe(200);
    const { summary, reportDir } = await json(res);
    expect(reportDir).toBe(run.reportDir);
    expect(summary.counts).toMatchObject({ scheduled: 8, completed: 6, failed: 0, timedOut: 0, notSent: 2 });
    expect(summary.latencyMs.queueWait.p50).toBeCloseTo(5, 0);
    expect(dispatcher.received.slice(-6).map((b) => b['clientRef'])).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(dispatcher.received.every((b) => b['callbackUrl'] === tester.callbackUrl && typeof b['image'] === 'string')).toBe(true);
    for (const file of ['summary.json', 'report.html', 'requests.csv', 'throughput.png', 'queue-depth.png'])
      expect(existsSync(join(reportDir, file))).toBe(true);
    expect(readFileSync(join(reportDir, 'requests.csv'), 'utf8').trim().split('\n')).toHaveLength(7);
    expect(tester.receiver.unmatched).toBe(0);
    expect(await json(await fetch(`${tester.url}/health`))).toMatchObject({ running: false });
  });

  it('refuses a model whose task it cannot drive with 400 naming the field, the model and its task', async () => {
    const res = await post(`${tester.url}/runLoadTest`, { workload: '1', model: 'digits-mlp' });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.field).toBe('model');
    expect(body.error.message).toContain('model "digits-mlp" is tabular-classification');
    expect(await json(await fetch(`${tester.url}/health`))).toMatchObject({ running: false });
  });

  it('refuses a workload longer than MAX_RUN_SECONDS, naming the field', async () => {
    const res = await post(`${tester.url}/runLoadTest`, { workload: Array.from({ length: 31 }, () => '1').join(',') });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.error.field).toBe('workload');
    expect(body.error.message).toContain('MAX_RUN_SECONDS (30)');
  });

  it('stops a run on request: what was not sent yet ends as not sent, and the report says so', async () => {
    expect((await post(`${tester.url}/stopLoadTest`, {})).status).toBe(409);
    const started = await post(`${tester.url}/runLoadTest`, { workload: '2,2,2,2,2,2,2,2,2,2' });
    expect(started.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const stopped = await post(`${tester.url}/stopLoadTest`, {});
    expect(stopped.status).toBe(202);
    const stoppedAt = performance.now();
    const res = await post(`${tester.url}/generateReport`, {});
    expect(res.status).toBe(200);
    // The report came long before the 10-second workload would have ended.
    expect(performance.now() - stoppedAt).toBeLessThan(6_000);
    const { summary } = await json(res);
    expect(summary.counts.scheduled).toBe(20);
    expect(summary.counts.notSent).toBeGreaterThanOrEqual(14);
    expect(summary.counts.completed + summary.counts.failed + summary.counts.timedOut + summary.counts.notSent).toBe(20);
    expect(await json(await fetch(`${tester.url}/health`))).toMatchObject({ running: false });
  });

  it('sends prompts from the prompt pool for the text-generation model and reports the tokens', async () => {
    const started = await post(`${tester.url}/runLoadTest`, { workload: '3', model: 'tiny-lm' });
    expect(started.status).toBe(202);
    const res = await post(`${tester.url}/generateReport`, {});
    const { summary } = await json(res);
    expect(summary.counts).toMatchObject({ scheduled: 3, completed: 3 });
    expect(summary.generation).toMatchObject({ tokens: 3 * FAKE_TOKENS, requests: 3 });
    const bodies = dispatcher.received.slice(-3);
    expect(bodies.every((b) => b['model'] === 'tiny-lm' && typeof b['prompt'] === 'string' && b['image'] === undefined)).toBe(true);
    expect(bodies[0]['generation']).toEqual({ max_new_tokens: 32 });
  });
});
