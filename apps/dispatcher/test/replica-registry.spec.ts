import IORedis from 'ioredis';
import { startRedisServer, type RunningRedisServer } from '@ai/local-stack';
import { queueKeys } from '@ai/queue';
import { ReplicaRegistration } from '@ai/redis-link';
import { startFakeInference, type FakeInference } from './support/fake-inference';
import { postJson, startDispatcher, uniquePrefix, waitForJob } from './support/dispatcher';

describe('INFERENCE_REGISTRY=redis: the dispatcher follows the replicas that join and leave', () => {
  let redis: RunningRedisServer;
  let client: IORedis;
  let replicas: FakeInference[];

  beforeAll(async () => {
    redis = await startRedisServer();
    client = new IORedis(redis.url, { maxRetriesPerRequest: null });
    replicas = await Promise.all([startFakeInference({ latencyMs: 5 }), startFakeInference({ latencyMs: 5 })]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    client.disconnect();
    await redis?.dispose();
  });

  it('with no replica, jobs wait in Redis with no attempt spent; they complete once one joins, and later ones spread over a second', async () => {
    const prefix = uniquePrefix();
    const model = `m-${prefix}`;
    // The model name is its registry key: a fresh one per test run keeps runs apart on one redis-server.
    const dispatcher = await startDispatcher({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      INFERENCE_URLS: `${model}=http://127.0.0.1:9`,
      INFERENCE_REGISTRY: 'redis',
      REGISTRY_POLL_MS: 100,
      DRAIN_RATE: 0,
      ATTEMPTS: 1,
    });
    const one = new ReplicaRegistration({ redis: client, model, url: replicas[0].url });
    const two = new ReplicaRegistration({ redis: client, model, url: replicas[1].url });
    try {
      const first = await postJson(`${dispatcher.url}/enqueue`, { items: Array.from({ length: 5 }, (_, i) => ({ model, features: [i] })) });
      expect(first.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Nothing was taken: the jobs wait (the backlog KEDA and the local scaler wake a replica on).
      expect(await client.llen(queueKeys(model, prefix).wait)).toBe(5);
      expect(replicas[0].served['/predict'] ?? 0).toBe(0);

      await one.join();
      const done = await Promise.all(first.body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher.url, j.jobId, 15_000)));
      expect(done.map((j) => j.state)).toEqual(Array(5).fill('completed'));
      expect(replicas[0].served['/predict']).toBe(5);

      await two.join();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const second = await postJson(`${dispatcher.url}/enqueue`, { items: Array.from({ length: 20 }, (_, i) => ({ model, features: [i] })) });
      await Promise.all(second.body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher.url, j.jobId, 15_000)));
      expect(replicas[1].served['/predict']).toBeGreaterThanOrEqual(5);

      // The first leaves: from the next read on, it receives nothing.
      await one.leave();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const servedBefore = replicas[0].served['/predict'];
      const third = await postJson(`${dispatcher.url}/enqueue`, { items: Array.from({ length: 10 }, (_, i) => ({ model, features: [i] })) });
      const after = await Promise.all(third.body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher.url, j.jobId, 15_000)));
      expect(after.every((j) => j.state === 'completed')).toBe(true);
      expect(replicas[0].served['/predict']).toBe(servedBefore);
    } finally {
      await one.leave();
      await two.leave();
      await dispatcher.stop();
    }
  });
});
