import IORedis from 'ioredis';
import { startRedisServer, waitFor, type RunningRedisServer } from '@ai/local-stack';
import { workerRedisOptions } from '@ai/redis-link';
import { QueueMonitor } from '../backlog/queue-monitor';
import { ModelQueues } from './model-queues';
import { ModelWorker, type InferenceCaller } from './model-worker';

describe('model queues on a real Redis', () => {
  let redis: RunningRedisServer;
  let client: IORedis;
  let queues: ModelQueues;
  let prefix = 'q';
  beforeAll(async () => {
    redis = await startRedisServer();
    client = new IORedis(redis.url, { maxRetriesPerRequest: null });
  });
  beforeEach(() => {
    prefix = `q${Math.random().toString(36).slice(2, 8)}`;
    queues = new ModelQueues({ models: ['m'], connection: client, prefix, attempts: 1 });
  });
  afterEach(() => queues.close());
  afterAll(async () => {
    await client.quit();
    await redis.dispose();
  });

  it('keeps jobs in the documented keys, and the monitor sees the backlog and what was just added', async () => {
    await queues.enqueue([
      { model: 'm', features: [1] },
      { model: 'm', features: [2], priority: 5 },
    ]);
    expect(await client.llen(`${prefix}:m:wait`)).toBe(1);
    expect(await client.zcard(`${prefix}:m:prioritized`)).toBe(1);
    const monitor = new QueueMonitor({ queues, redis: client, prefix });
    await monitor.start();
    monitor.noteAdded('m', 3);
    expect(monitor.snapshot('m')).toMatchObject({ depth: { waiting: 1, prioritized: 1 }, queued: 5, backlog: 5 });
    await monitor.stop();
  });

  it('serves unprioritised jobs first, then lower priority numbers, and measures the drain', async () => {
    const order: number[] = [];
    const caller: InferenceCaller = {
      async call(_task, body) {
        order.push((body as { features: number[] }).features[0]);
        return { output: {}, inferenceMs: 1, upstream: 'x' };
      },
    };
    await queues.enqueue([
      { model: 'm', features: [30], priority: 30 },
      { model: 'm', features: [10], priority: 10 },
      { model: 'm', features: [0] },
    ]);
    const monitor = new QueueMonitor({ queues, redis: client, prefix, intervalMs: 100 });
    await monitor.start();
    const worker = new ModelWorker({ model: 'm', connection: workerRedisOptions(redis.url), counter: client, client: caller, prefix, concurrency: 1 });
    try {
      await waitFor('all three jobs', () => order.length === 3);
      expect(order).toEqual([0, 10, 30]);
      await waitFor('the drained counter', async () => (await client.get(`${prefix}:m:drained`)) === '3');
    } finally {
      await worker.close();
      await monitor.stop();
    }
  });
});
