import { startRedisServer, waitFor, type RunningRedisServer } from '@ai/local-stack';
import type { RunningDispatcher } from '../src/server';
import { startFakeInference, type FakeInference } from './support/fake-inference';
import { startReceiver, type CallbackReceiver } from './support/receiver';
import { getJson, postJson, type Json, startDispatcher, uniquePrefix, waitForJob } from './support/dispatcher';

/**
 * The fake upstream's behaviour is chosen by the first feature: 1xxx fails twice with 503 then succeeds,
 * 2xxx always answers 503, 3xxx answers 400 (a bad input), anything else succeeds.
 */
function failByFeature(body: Record<string, unknown>, seen: number): number | undefined {
  const code = Math.floor(((body.features as number[] | undefined)?.[0] ?? 0) / 1000);
  if (code === 1 && seen <= 2) return 503;
  if (code === 2) return 503;
  if (code === 3) return 400;
  return undefined;
}

describe('dispatcher workers', () => {
  let redis: RunningRedisServer;
  let upstream: FakeInference;
  let receiver: CallbackReceiver;
  let dispatcher: RunningDispatcher;

  beforeAll(async () => {
    redis = await startRedisServer();
    upstream = await startFakeInference({ latencyMs: 2, fail: failByFeature });
    receiver = await startReceiver(1);
    dispatcher = await startDispatcher({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      INFERENCE_URLS: `digits-mlp=${upstream.url}`,
      DRAIN_RATE: 0,
      ATTEMPTS: 3,
      BACKOFF_MS: 50,
      CALLBACK_ALLOWLIST: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await Promise.all([upstream?.close(), receiver?.close()]);
    await redis?.dispose();
  });

  const enqueue = async (body: Record<string, unknown>) => {
    const res = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', ...body });
    expect(res.status).toBe(202);
    return res.body.jobId as string;
  };
  const seenBy = (feature: number) => upstream.bodies.filter((b) => (b.features as number[])?.[0] === feature).length;

  it('retries a job that failed with a 5xx, with backoff, until it succeeds', async () => {
    const job = await waitForJob(dispatcher.url, await enqueue({ features: [1001] }));
    expect(job.state).toBe('completed');
    expect(job.attempts).toBe(3);
    expect(seenBy(1001)).toBe(3);
  });

  it('after the last attempt, fails the job with the reason and keeps it in the dead-letter set', async () => {
    const jobId = await enqueue({ features: [2001] });
    const job = await waitForJob(dispatcher.url, jobId);
    expect(job.state).toBe('failed');
    expect(job.attempts).toBe(3);
    expect(job.failedReason).toMatch(/503.*fake failure 503/);
    expect(seenBy(2001)).toBe(3);
    const dead = await getJson(`${dispatcher.url}/dead-letter/digits-mlp`);
    expect(dead.status).toBe(200);
    expect(dead.body.jobs.map((j: { jobId: string }) => j.jobId)).toContain(jobId);
    const metrics = await (await fetch(`${dispatcher.url}/metrics`)).text();
    expect(metrics).toMatch(/dispatcher_jobs_total\{[^}]*status="failed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/dispatcher_jobs_total\{[^}]*status="retried"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/dispatcher_queue_depth\{[^}]*state="failed"[^}]*\} [1-9]/);
  });

  it('does not retry a job the inference service rejected as invalid (4xx)', async () => {
    const job = await waitForJob(dispatcher.url, await enqueue({ features: [3001] }));
    expect(job.state).toBe('failed');
    expect(job.failedReason).toMatch(/400/);
    expect(seenBy(3001)).toBe(1);
  });

  it('POSTs the result and timings to callbackUrl, retrying a failed delivery', async () => {
    const jobId = await enqueue({ features: [5], callbackUrl: receiver.url, clientRef: 'cb-1' });
    await waitFor('the callback', () => receiver.received.find((b) => b.jobId === jobId), 10_000);
    const body = receiver.received.find((b) => b.jobId === jobId) as Json;
    expect(body).toMatchObject({ jobId, model: 'digits-mlp', status: 'completed', clientRef: 'cb-1', attempts: 1, result: { echo: { features: [5] } } });
    expect(body.timings.finishedAt).toBeGreaterThanOrEqual(body.timings.startedAt);
    expect(receiver.hits()).toBeGreaterThanOrEqual(2); // the first delivery was answered 503
    // One id end to end: the job id reached inference and the callback as X-Request-Id.
    expect(upstream.requestIds[upstream.bodies.findIndex((b) => (b.features as number[])?.[0] === 5)]).toBe(jobId);
    expect(receiver.requestIds[receiver.received.indexOf(body)]).toBe(jobId);
  });

  it('POSTs a callback for a job that finally failed', async () => {
    const jobId = await enqueue({ features: [3002], callbackUrl: receiver.url });
    await waitFor('the failure callback', () => receiver.received.find((b) => b.jobId === jobId), 10_000);
    expect(receiver.received.find((b) => b.jobId === jobId)).toMatchObject({ status: 'failed', failedReason: expect.stringMatching(/400/) });
  });

  it('answers a synchronous /infer whose first attempts failed once a retry completes it', async () => {
    const res = await postJson(`${dispatcher.url}/infer`, { model: 'digits-mlp', features: [1002] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'completed', attempts: 3 });
    expect(seenBy(1002)).toBe(3);
  });

  it('answers a synchronous /infer whose job finally failed with 502 and the reason', async () => {
    const res = await postJson(`${dispatcher.url}/infer`, { model: 'digits-mlp', features: [2002] });
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: 'inference_failed', message: expect.stringMatching(/503/) });
  });

  it('answers a synchronous /infer on an API-only replica when a worker-only replica finishes the job', async () => {
    const prefix = uniquePrefix();
    const env = { REDIS_URL: redis.url, QUEUE_PREFIX: prefix, INFERENCE_URLS: `digits-mlp=${upstream.url}`, DRAIN_RATE: 0, ATTEMPTS: 3, BACKOFF_MS: 50 };
    const api = await startDispatcher({ ...env, ROLE: 'api' });
    const worker = await startDispatcher({ ...env, ROLE: 'worker' });
    try {
      const ok = await postJson(`${api.url}/infer`, { model: 'digits-mlp', features: [1003] });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ state: 'completed', attempts: 3 });
      const failed = await postJson(`${api.url}/infer`, { model: 'digits-mlp', features: [2003] });
      expect(failed.status).toBe(502);
    } finally {
      await Promise.all([api.stop(), worker.stop()]);
    }
  });
});

describe('the drain rate', () => {
  let redis: RunningRedisServer;
  let upstream: FakeInference;

  beforeAll(async () => {
    redis = await startRedisServer();
    upstream = await startFakeInference({ latencyMs: 1 });
  });
  afterAll(async () => {
    await upstream?.close();
    await redis?.dispose();
  });

  it('with DRAIN_RATE=5, starts about 5 jobs per second even when more capacity is there', async () => {
    const dispatcher = await startDispatcher({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      INFERENCE_URLS: `digits-mlp=${upstream.url}`,
      DRAIN_RATE: 5,
      CONCURRENCY: 20,
    });
    try {
      const items = Array.from({ length: 21 }, (_, i) => ({ model: 'digits-mlp', features: [i] }));
      const res = await postJson(`${dispatcher.url}/enqueue`, { items });
      expect(res.status).toBe(202);
      const jobs = await Promise.all(res.body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher.url, j.jobId, 30_000)));
      const starts = jobs.map((j) => j.timings.startedAt as number).sort((a, b) => a - b);
      // 21 jobs at 5 per one-second window: the first 20 fill four windows and the 21st opens the fifth, about
      // 4 s after the first. Measuring first-to-last start keeps one late-recorded start from skewing the rate.
      const rate = ((starts.length - 1) * 1000) / (starts[starts.length - 1] - starts[0]);
      expect(rate).toBeGreaterThan(4);
      expect(rate).toBeLessThan(6);
      const metrics = await (await fetch(`${dispatcher.url}/metrics`)).text();
      const measured = Number(/dispatcher_drain_rate\{[^}]*\} ([0-9.]+)/.exec(metrics)?.[1]);
      expect(measured).toBeGreaterThan(3);
      expect(measured).toBeLessThan(7);
    } finally {
      await dispatcher.stop();
    }
  });
});
