import { startRedisServer, type RunningRedisServer } from '@ai/local-stack';
import type { RunningDispatcher } from '../src/server';
import { startFakeInference, type FakeInference } from './support/fake-inference';
import { getJson, postJson, startDispatcher, uniquePrefix, waitForJob } from './support/dispatcher';

const IMAGE = Buffer.from('not really a png, the fake upstream does not care').toString('base64');

describe('the dispatcher API', () => {
  let redis: RunningRedisServer;
  let upstream: FakeInference;
  let dispatcher: RunningDispatcher;

  beforeAll(async () => {
    redis = await startRedisServer();
    upstream = await startFakeInference({ latencyMs: 5 });
    dispatcher = await startDispatcher({
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix(),
      INFERENCE_URLS: `digits-cnn=${upstream.url},digits-mlp=${upstream.url}`,
      DRAIN_RATE: 0,
      BODY_LIMIT_BYTES: 64 * 1024,
    });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await upstream?.close();
    await redis?.dispose();
  });

  it('enqueues an image, answers 202 with a job id, and the job completes with its result and timings', async () => {
    const before = Date.now();
    const res = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', image: IMAGE, clientRef: 'r1' });
    expect(res.status).toBe(202);
    expect(res.body.jobId).toMatch(/^digits-cnn:/);
    expect(res.body.duplicate).toBe(false);
    expect(Date.parse(res.body.queuedAt)).toBeGreaterThanOrEqual(before - 1);
    const job = await waitForJob(dispatcher.url, res.body.jobId);
    expect(job).toMatchObject({ state: 'completed', model: 'digits-cnn', clientRef: 'r1', attempts: 1 });
    expect(job.result).toMatchObject({ path: '/infer', echo: { image: IMAGE } });
    const t = job.timings;
    expect(t.enqueuedAt).toBeLessThanOrEqual(t.startedAt);
    expect(t.startedAt).toBeLessThanOrEqual(t.finishedAt);
    expect(t.inferenceMs).toBeGreaterThanOrEqual(4);
    expect(t.e2eMs).toBe(t.finishedAt - t.enqueuedAt);
    expect(t.queueWaitMs).toBe(t.startedAt - t.enqueuedAt);
    expect(t.server).toMatchObject({ batchSize: 1 });
  });

  it('sends features to /predict and prompts to /generate', async () => {
    const a = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', features: [1, 2, 3] });
    const b = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-mlp', prompt: 'hello', generation: { max_new_tokens: 4 } });
    const ja = await waitForJob(dispatcher.url, a.body.jobId);
    expect(ja.failedReason).toBeUndefined();
    expect(ja.result).toMatchObject({ path: '/predict', echo: { features: [1, 2, 3] } });
    const jb = await waitForJob(dispatcher.url, b.body.jobId);
    expect(jb.failedReason).toBeUndefined();
    expect(jb.result).toMatchObject({ path: '/generate', echo: { prompt: 'hello', max_new_tokens: 4, stream: false } });
  });

  it('accepts a batch in one call and answers one job per item, in order', async () => {
    const items = Array.from({ length: 20 }, (_, i) => ({ model: i % 2 ? 'digits-cnn' : 'digits-mlp', features: [i], clientRef: `b${i}` }));
    const res = await postJson(`${dispatcher.url}/enqueue`, { items });
    expect(res.status).toBe(202);
    expect(res.body.jobs).toHaveLength(20);
    const jobs = await Promise.all(res.body.jobs.map((j: { jobId: string }) => waitForJob(dispatcher.url, j.jobId)));
    expect(jobs.map((j) => j.clientRef)).toEqual(items.map((i) => i.clientRef));
    expect(jobs.map((j) => j.model)).toEqual(items.map((i) => i.model));
    expect(jobs.every((j) => j.state === 'completed')).toBe(true);
  });

  it('with the same idempotency key, returns the first job with duplicate: true instead of adding another', async () => {
    const key = `order-42:${Date.now()}`;
    const first = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [7001], idempotencyKey: key });
    await waitForJob(dispatcher.url, first.body.jobId);
    const again = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', features: [7002], idempotencyKey: key });
    expect(again.status).toBe(202);
    expect(again.body).toEqual({ jobId: first.body.jobId, queuedAt: first.body.queuedAt, duplicate: true });
    const job = await waitForJob(dispatcher.url, first.body.jobId);
    expect(job.result.echo).toEqual({ features: [7001] });
    expect(upstream.bodies.filter((b) => JSON.stringify(b) === '{"features":[7002]}')).toHaveLength(0);
  });

  it('answers 400 naming the field for an unknown model, a bad body and a disallowed callback host', async () => {
    const unknown = await postJson(`${dispatcher.url}/enqueue`, { model: 'no-such-model', features: [1] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.field).toBe('model');
    const inBatch = await postJson(`${dispatcher.url}/enqueue`, {
      items: [
        { model: 'digits-cnn', features: [1] },
        { model: 'nope', features: [1] },
      ],
    });
    expect(inBatch.body.error.field).toBe('items.1.model');
    const noInput = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn' });
    expect(noInput.status).toBe(400);
    expect(noInput.body.error.field).toBe('image');
    const callback = await postJson(`${dispatcher.url}/enqueue`, {
      model: 'digits-cnn',
      features: [1],
      callbackUrl: 'http://169.254.169.254/latest/meta-data',
    });
    expect(callback.status).toBe(400);
    expect(callback.body.error.field).toBe('callbackUrl');
    const notJson = await fetch(`${dispatcher.url}/enqueue`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
    expect(notJson.status).toBe(400);
  });

  it('answers 413 for a body over BODY_LIMIT_BYTES', async () => {
    const res = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', image: 'A'.repeat(100 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('answers 404 for an unknown job id', async () => {
    expect((await getJson(`${dispatcher.url}/jobs/digits-cnn:does-not-exist`)).status).toBe(404);
    expect((await getJson(`${dispatcher.url}/jobs/nonsense`)).status).toBe(404);
  });

  it('answers POST /infer synchronously with the completed job', async () => {
    const res = await postJson(`${dispatcher.url}/infer`, { model: 'digits-cnn', image: IMAGE });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'completed', result: { path: '/infer' } });
    expect(res.body.timings.finishedAt).toBeGreaterThan(0);
  });

  it('reports health, readiness (the probes every service has, /healthz and /readyz, and the older /ready), metrics and docs', async () => {
    const health = await getJson(`${dispatcher.url}/health`);
    expect(health.body).toMatchObject({ status: 'ok', role: 'all', redis: 'ready', models: ['digits-cnn', 'digits-mlp'] });
    expect((await getJson(`${dispatcher.url}/healthz`)).body).toEqual({ status: 'ok' });
    expect((await getJson(`${dispatcher.url}/readyz`)).body).toMatchObject({ ready: true });
    expect((await getJson(`${dispatcher.url}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${dispatcher.url}/metrics`)).text();
    expect(metrics).toMatch(/dispatcher_queue_depth\{[^}]*model="digits-cnn"[^}]*state="waiting"[^}]*\} 0/);
    expect(metrics).toMatch(/dispatcher_jobs_total\{[^}]*model="digits-cnn",status="completed"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/dispatcher_enqueued_total\{[^}]*model="digits-mlp"[^}]*\} [1-9]/);
    expect(metrics).toContain('dispatcher_e2e_latency_seconds_bucket');
    expect(metrics).toMatch(/dispatcher_rejected_total\{[^}]*reason="invalid"[^}]*\} [1-9]/);
    expect((await fetch(`${dispatcher.url}/docs/`)).status).toBe(200);
  });
});
