import { freePort, startNodeService, startRedisServer, waitFor, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import type { RunningDispatcher } from '../src/server';
import { startFakeInference, type FakeInference } from './support/fake-inference';
import { getJson, postJson, startDispatcher, uniquePrefix, waitForJob } from './support/dispatcher';

/** Starts a worker-only dispatcher as a real child process, the way a worker pod runs. */
function startWorkerProcess(env: Record<string, string>): Promise<RunningNodeService> {
  return startNodeService({
    name: 'dispatcher worker',
    entry: 'apps/dispatcher/src/main.ts',
    env: { ROLE: 'worker', LOG_LEVEL: 'error', STALLED_INTERVAL_MS: '500', LOCK_DURATION_MS: '2000', ...env },
    readyPath: '/ready',
  });
}

describe('dispatcher resilience', () => {
  let redis: RunningRedisServer;
  let upstream: FakeInference;

  beforeAll(async () => {
    redis = await startRedisServer({ appendOnly: true });
    upstream = await startFakeInference({ latencyMs: 1_500 });
  });
  afterAll(async () => {
    await upstream?.close();
    await redis?.dispose();
  });

  it('when a worker process is killed mid-job, another worker recovers the stalled job and finishes it', async () => {
    const prefix = uniquePrefix();
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, INFERENCE_URLS: `digits-mlp=${upstream.url}`, DRAIN_RATE: '0' };
    const api = await startDispatcher({ ...env, ROLE: 'api' });
    const doomed = await startWorkerProcess(env);
    let rescuer: RunningNodeService | undefined;
    try {
      const { body } = await postJson(`${api.url}/enqueue`, { model: 'digits-mlp', features: [424242] });
      const sent = () => upstream.bodies.filter((b) => (b.features as number[])[0] === 424242).length;
      await waitFor('the first worker to call inference', () => sent() === 1, 20_000);
      expect((await getJson(`${api.url}/jobs/${body.jobId}`)).body.state).toBe('active');
      await doomed.stop('SIGKILL');
      rescuer = await startWorkerProcess(env);
      const job = await waitForJob(api.url, body.jobId, 30_000);
      expect(job.state).toBe('completed');
      expect(sent()).toBe(2);
    } finally {
      await doomed.stop('SIGKILL');
      await rescuer?.stop();
      await api.stop();
    }
  });

  it('on SIGTERM, a worker process finishes its active job before exiting', async () => {
    const prefix = uniquePrefix();
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, INFERENCE_URLS: `digits-mlp=${upstream.url}`, DRAIN_RATE: '0' };
    const api = await startDispatcher({ ...env, ROLE: 'api' });
    const worker = await startWorkerProcess(env);
    try {
      const { body } = await postJson(`${api.url}/enqueue`, { model: 'digits-mlp', features: [515151] });
      await waitFor('the worker to take the job', async () => (await getJson(`${api.url}/jobs/${body.jobId}`)).body.state === 'active', 20_000);
      expect(await worker.stop('SIGTERM')).toBe(0);
      const job = (await getJson(`${api.url}/jobs/${body.jobId}`)).body;
      expect(job).toMatchObject({ state: 'completed', attempts: 1 });
    } finally {
      await worker.stop('SIGKILL');
      await api.stop();
    }
  });

  it('when the dispatcher restarts with jobs waiting, every job completes exactly once', async () => {
    const quick = await startFakeInference({ latencyMs: 5 });
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), INFERENCE_URLS: `digits-mlp=${quick.url}`, DRAIN_RATE: 20 };
    let dispatcher: RunningDispatcher | undefined = await startDispatcher(env);
    try {
      const items = Array.from({ length: 40 }, (_, i) => ({ model: 'digits-mlp', features: [i] }));
      const { body } = await postJson(`${dispatcher.url}/enqueue`, { items });
      await waitFor('some jobs to finish', () => quick.bodies.length >= 5, 10_000);
      await dispatcher.stop();
      const doneBeforeRestart = quick.bodies.length;
      expect(doneBeforeRestart).toBeLessThan(40);
      dispatcher = await startDispatcher(env);
      const jobs = await Promise.all(body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher!.url, j.jobId, 30_000)));
      expect(jobs.every((j) => j.state === 'completed')).toBe(true);
      expect(quick.bodies).toHaveLength(40);
    } finally {
      await dispatcher?.stop();
      await quick.close();
    }
  });

  it('started with no Redis, it listens, answers 503s naming Redis, and starts its workers once Redis appears on that port', async () => {
    const quick = await startFakeInference({ latencyMs: 1 });
    const port = await freePort();
    const dispatcher = await startDispatcher({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QUEUE_PREFIX: uniquePrefix(),
      INFERENCE_URLS: `digits-mlp=${quick.url}`,
      DRAIN_RATE: 0,
      REDIS_STARTUP_WAIT_MS: 200,
    });
    let late: RunningRedisServer | undefined;
    try {
      expect((await getJson(`${dispatcher.url}/health`)).status).toBe(200);
      const ready = await getJson(`${dispatcher.url}/ready`);
      expect(ready).toMatchObject({ status: 503, body: { ready: false, redis: 'unreachable', lastError: expect.stringContaining('ECONNREFUSED') } });
      const refused = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', features: [1] });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
      expect(refused.body.error).toMatchObject({ code: 'unavailable', details: { dependency: 'redis', redis: 'unreachable' } });
      expect(await (await fetch(`${dispatcher.url}/metrics`)).text()).toMatch(/^dispatcher_redis_up\{service="dispatcher"\} 0$/m);

      late = await startRedisServer({ port });
      await waitFor('ready once Redis is there', async () => (await fetch(`${dispatcher.url}/ready`)).status === 200, 15_000);
      const { status, body } = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', features: [2] });
      expect(status).toBe(202);
      expect((await waitForJob(dispatcher.url, body.jobId, 20_000)).state).toBe('completed');
      expect(await (await fetch(`${dispatcher.url}/metrics`)).text()).toMatch(/^dispatcher_redis_up\{service="dispatcher"\} 1$/m);
    } finally {
      await dispatcher.stop();
      await quick.close();
      await late?.dispose();
    }
  });

  it('while Redis is down, /ready answers 503 and /enqueue 503; when it is back, both recover by themselves', async () => {
    const quick = await startFakeInference({ latencyMs: 1 });
    const dispatcher = await startDispatcher({ REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), INFERENCE_URLS: `digits-mlp=${quick.url}`, DRAIN_RATE: 0 });
    try {
      await redis.stop(true);
      await waitFor('not ready', async () => (await fetch(`${dispatcher.url}/ready`)).status === 503, 10_000);
      const refused = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', features: [1] });
      expect(refused.status).toBe(503);
      expect((await getJson(`${dispatcher.url}/health`)).status).toBe(200);
      await redis.start();
      await waitFor('ready again', async () => (await fetch(`${dispatcher.url}/ready`)).status === 200, 15_000);
      const { status, body } = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', features: [2] });
      expect(status).toBe(202);
      expect((await waitForJob(dispatcher.url, body.jobId, 20_000)).state).toBe('completed');
    } finally {
      await dispatcher.stop();
      await quick.close();
    }
  });
});
