import { startNodeService, startRedisServer, type RunningRedisServer } from '@ai/local-stack';
import { startFakeInference, type FakeInference } from './support/fake-inference';
import { postJson, startDispatcher, uniquePrefix, waitForJob } from './support/dispatcher';

/**
 * Each fake inference process serves one request at a time in 50 ms, like a model server whose compute is
 * saturated: its capacity is 20 jobs/s, far below the drain rate, so replicas are the bottleneck.
 */
describe('scaling inference', () => {
  let redis: RunningRedisServer;
  let replicas: FakeInference[];

  beforeAll(async () => {
    redis = await startRedisServer();
    replicas = await Promise.all([startFakeInference({ latencyMs: 50, parallelism: 1 }), startFakeInference({ latencyMs: 50, parallelism: 1 })]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await redis?.dispose();
  });

  /** Enqueues a backlog of `jobs` and returns the seconds until the last one finished. */
  async function drainSeconds(urls: string[], jobs: number): Promise<number> {
    const dispatcher = await startDispatcher({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      INFERENCE_URLS: `digits-mlp=${urls.join('|')}`,
      DRAIN_RATE: 1000,
      CONCURRENCY: 8,
    });
    try {
      const items = Array.from({ length: jobs }, (_, i) => ({ model: 'digits-mlp', features: [i] }));
      const res = await postJson(`${dispatcher.url}/enqueue`, { items });
      const done = await Promise.all(res.body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher.url, j.jobId, 30_000)));
      expect(done.every((j) => j.state === 'completed')).toBe(true);
      const first = Math.min(...done.map((j) => j.timings.enqueuedAt));
      const last = Math.max(...done.map((j) => j.timings.finishedAt));
      return (last - first) / 1000;
    } finally {
      await dispatcher.stop();
    }
  }

  it('with the drain rate above capacity, two inference replicas drain a backlog at least 1.5x faster than one', async () => {
    const one = await drainSeconds([replicas[0].url], 60);
    const servedBefore = replicas[1].served['/predict'] ?? 0;
    const two = await drainSeconds(
      replicas.map((r) => r.url),
      60,
    );
    expect((replicas[1].served['/predict'] ?? 0) - servedBefore).toBeGreaterThan(20);
    // One replica needs at least 60 x 50 ms = 3 s.
    expect(one).toBeGreaterThanOrEqual(3);
    expect(one / two).toBeGreaterThanOrEqual(1.5);
  });

  it('with ROLE=api and WORKER_PROCESSES=1, the forked worker process drains the queue', async () => {
    const quick = await startFakeInference({ latencyMs: 1 });
    const service = await startNodeService({
      name: 'dispatcher',
      entry: 'apps/dispatcher/src/main.ts',
      env: {
        ROLE: 'api',
        WORKER_PROCESSES: '1',
        REDIS_URL: redis.url,
        QUEUE_PREFIX: uniquePrefix(),
        INFERENCE_URLS: `digits-mlp=${quick.url}`,
        DRAIN_RATE: '0',
        LOG_LEVEL: 'error',
      },
      readyPath: '/ready',
    });
    try {
      const { body } = await postJson(`${service.url}/enqueue`, { model: 'digits-mlp', features: [1] });
      expect((await waitForJob(service.url, body.jobId, 30_000)).state).toBe('completed');
      expect(await service.stop('SIGTERM')).toBe(0);
    } finally {
      await service.stop('SIGKILL');
      await quick.close();
    }
  });
});
