import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import IORedis from 'ioredis';
import type { JobCallback } from '@ai/contracts';
import { startRedisServer, waitFor, type RunningRedisServer } from '@ai/local-stack';
import { workerRedisOptions } from '@ai/redis-link';
import { CallbackAllowlist } from '../callbacks/callback-allowlist';
import { CallbackNotifier } from '../callbacks/callback-notifier';
import { InferenceClient } from '../upstream/inference-client';
import { JobWaiter } from './job-waiter';
import { ModelQueues } from './model-queues';
import { limiterFor, ModelWorker } from './model-worker';

/** A real HTTP server standing in for inference (answers scripted per call) and for a callback receiver. */
async function serve(answer: (path: string, body: unknown) => [number, unknown]) {
  const server: Server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const [status, body] = answer(req.url ?? '', text ? JSON.parse(text) : undefined);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a model worker with a waiter and callbacks (real Redis, real HTTP)', () => {
  let redis: RunningRedisServer;
  let client: IORedis;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = new IORedis(redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await client.quit();
    await redis.dispose();
  });

  /** Queues, a waiter, a notifier and a worker for model `m` calling `inferenceUrl`; closed by the returned function. */
  function stack(inferenceUrl: string, worker = true) {
    const prefix = `w${Math.random().toString(36).slice(2, 8)}`;
    const queues = new ModelQueues({ models: ['m'], connection: client, prefix, attempts: 3, backoffMs: 20 });
    const waiter = new JobWaiter({ queues, connection: workerRedisOptions(redis.url), prefix });
    const notifier = new CallbackNotifier({
      connection: workerRedisOptions(redis.url),
      prefix,
      allowlist: new CallbackAllowlist(['127.0.0.1']),
      backoffMs: 20,
    });
    const failures: { final: boolean; message: string }[] = [];
    const running = worker
      ? new ModelWorker({
          model: 'm',
          connection: workerRedisOptions(redis.url),
          counter: client,
          client: new InferenceClient({ urls: [inferenceUrl], timeoutMs: 2_000 }),
          prefix,
          waiter,
          notifier,
          events: { failed: (_job, error, final) => failures.push({ final, message: error.message }) },
        })
      : undefined;
    const submit = (item: Record<string, unknown>) => () => queues.enqueue([{ model: 'm', features: [1], ...item }]).then((accepted) => accepted[0]);
    return {
      queues,
      waiter,
      failures,
      submit,
      async close() {
        await running?.close();
        await notifier.close();
        await waiter.close();
        await queues.close();
      },
    };
  }

  it('fails a job the model refused at once, keeping its status as data in the job and its callback', async () => {
    const callbacks: JobCallback[] = [];
    const receiver = await serve((_path, body) => (callbacks.push(body as JobCallback), [204, {}]));
    const inference = await serve(() => [400, { error: { message: 'features: expected 100 values' } }]);
    const s = stack(inference.url);
    try {
      const ended = await s.waiter.submitAndWait('m', s.submit({ callbackUrl: `${receiver.url}/cb` }), 10_000);
      expect(ended).toMatchObject({ outcome: 'failed', status: { state: 'failed', attempts: 1, upstreamStatus: 400 } });
      expect(ended.outcome === 'failed' && ended.status.failedReason).toMatch(/answered 400: features: expected 100 values/);
      expect(await s.queues.status(ended.jobId)).toMatchObject({ state: 'failed', upstreamStatus: 400 });
      await waitFor('the callback', () => callbacks.length === 1);
      expect(callbacks[0]).toMatchObject({ jobId: ended.jobId, status: 'failed', upstreamStatus: 400 });
      expect(s.failures).toEqual([expect.objectContaining({ final: true })]);
    } finally {
      await s.close();
      await Promise.all([receiver.close(), inference.close()]);
    }
  });

  it('retries a 503 and reports the job that then completed without an upstream status', async () => {
    let calls = 0;
    const inference = await serve(() => (++calls === 1 ? [503, { error: { message: 'loading' } }] : [200, { predictions: [{ label: '7' }] }]));
    const s = stack(inference.url);
    try {
      const ended = await s.waiter.submitAndWait('m', s.submit({}), 10_000);
      expect(ended).toMatchObject({ outcome: 'completed', status: { state: 'completed', attempts: 2, result: { predictions: [{ label: '7' }] } } });
      expect(ended.outcome === 'completed' && ended.status.upstreamStatus).toBeUndefined();
      expect(s.failures).toEqual([expect.objectContaining({ final: false, message: expect.stringMatching(/answered 503/) })]);
    } finally {
      await s.close();
      await inference.close();
    }
  });

  it('answers timeout with the job id when nothing finishes the job in time, and an idempotent repeat of a finished job at once', async () => {
    const idle = stack('http://127.0.0.1:9', false);
    const inference = await serve(() => [200, { predictions: [] }]);
    const busy = stack(inference.url);
    try {
      const waited = await idle.waiter.submitAndWait('m', idle.submit({}), 300);
      expect(waited).toEqual({ outcome: 'timeout', jobId: expect.stringMatching(/^m:/) });
      const first = await busy.waiter.submitAndWait('m', busy.submit({ idempotencyKey: 'k1' }), 10_000);
      expect(first.outcome).toBe('completed');
      const repeat = await busy.waiter.submitAndWait('m', busy.submit({ idempotencyKey: 'k1' }), 10_000);
      expect(repeat).toMatchObject({ outcome: 'completed', jobId: first.jobId });
    } finally {
      await Promise.all([idle.close(), busy.close()]);
      await inference.close();
    }
  });
});

describe('the limiter for a drain rate', () => {
  it('keeps the rate in windows of whole jobs', () => {
    for (const rate of [0.5, 1, 2, 2.5, 5, 7, 50, 333, 5_000, Math.PI]) {
      const limiter = limiterFor(rate)!;
      expect((limiter.max * 1000) / limiter.duration).toBeGreaterThan(rate * 0.97);
      expect((limiter.max * 1000) / limiter.duration).toBeLessThan(rate * 1.03);
      expect(limiter.duration).toBeLessThanOrEqual(10_000);
    }
    expect(limiterFor(50)).toEqual({ max: 50, duration: 1000 });
    expect(limiterFor(2.5)).toEqual({ max: 5, duration: 2000 });
    expect(limiterFor(0.5)).toEqual({ max: 1, duration: 2000 });
  });

  it('is off for 0 (unlimited)', () => {
    expect(limiterFor(0)).toBeUndefined();
  });
});
