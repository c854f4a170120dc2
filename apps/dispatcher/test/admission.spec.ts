import { startRedisServer, type RunningRedisServer } from '@ai/local-stack';
import type { RunningDispatcher } from '../src/server';
import { postJson, startDispatcher, uniquePrefix } from './support/dispatcher';

/** API-only dispatchers (no workers), so queues only grow and the numbers are exact. */
describe('admission at /enqueue', () => {
  let redis: RunningRedisServer;
  const running: RunningDispatcher[] = [];
  const apiOnly = async (env: Record<string, string | number>) => {
    const dispatcher = await startDispatcher({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      INFERENCE_URLS: 'digits-cnn=http://127.0.0.1:9',
      ROLE: 'api',
      ...env,
    });
    running.push(dispatcher);
    return dispatcher;
  };

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(running.map((d) => d.stop()));
    await redis?.dispose();
  });

  it('when the queue is over MAX_QUEUE_LENGTH, answers 429 with Retry-After and adds nothing', async () => {
    const dispatcher = await apiOnly({ MAX_QUEUE_LENGTH: 5, DRAIN_RATE: 2 });
    for (let i = 0; i < 5; i += 1) expect((await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [i] })).status).toBe(202);
    const full = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [9] });
    expect(full.status).toBe(429);
    expect(full.body.error.code).toBe('queue_full');
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const batch = await postJson(`${dispatcher.url}/enqueue`, { items: Array.from({ length: 4 }, () => ({ model: 'digits-cnn', features: [1] })) });
    expect(batch.status).toBe(429);
    // 4 over the limit at 2 jobs/s: 2 s.
    expect(batch.headers.get('retry-after')).toBe('2');
    const metrics = await (await fetch(`${dispatcher.url}/metrics`)).text();
    expect(metrics).toMatch(/dispatcher_queue_depth\{[^}]*state="waiting"[^}]*\} 5\b/);
    expect(metrics).toMatch(/dispatcher_rejected_total\{[^}]*reason="queue_full"[^}]*\} 2\b/);
  });

  it('when the predicted wait exceeds deadlineMs, answers 429 at once with the computed Retry-After', async () => {
    const dispatcher = await apiOnly({ MAX_QUEUE_LENGTH: 0, DRAIN_RATE: 2 });
    const res = await postJson(`${dispatcher.url}/enqueue`, { items: Array.from({ length: 10 }, (_, i) => ({ model: 'digits-cnn', features: [i] })) });
    expect(res.status).toBe(202);
    // 10 queued at 2 jobs/s: a 5 s wait. A 1 s deadline cannot be met; 4 s from now it can.
    const late = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [1], deadlineMs: 1_000 });
    expect(late.status).toBe(429);
    expect(late.body.error.code).toBe('deadline_exceeded');
    expect(late.body.error.message).toMatch(/predicted queue wait 5000 ms/);
    expect(late.headers.get('retry-after')).toBe('4');
    const relaxed = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [1], deadlineMs: 60_000 });
    expect(relaxed.status).toBe(202);
  });

  it('when a synchronous /infer is not done within SYNC_TIMEOUT_MS, answers 504 with the job id to poll', async () => {
    const dispatcher = await apiOnly({ SYNC_TIMEOUT_MS: 300 });
    const res = await postJson(`${dispatcher.url}/infer`, { model: 'digits-cnn', features: [1] });
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('timeout');
    expect(res.body.error.jobId).toMatch(/^digits-cnn:/);
    const job = await fetch(`${dispatcher.url}/jobs/${res.body.error.jobId}`);
    expect(((await job.json()) as { state: string }).state).toBe('waiting');
  });

  it('with API_KEYS set, refuses requests without a valid key but keeps probes open', async () => {
    const dispatcher = await apiOnly({ API_KEYS: 'k1,k2' });
    expect((await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [1] })).status).toBe(401);
    const ok = await fetch(`${dispatcher.url}/enqueue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k2' },
      body: JSON.stringify({ model: 'digits-cnn', features: [1] }),
    });
    expect(ok.status).toBe(202);
    expect((await fetch(`${dispatcher.url}/ready`)).status).toBe(200);
  });
});
