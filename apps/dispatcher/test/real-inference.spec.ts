import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { startNodeService, startRedisServer, WORKSPACE_ROOT, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import type { RunningDispatcher } from '../src/server';
import { postJson, startDispatcher, uniquePrefix, waitForJob } from './support/dispatcher';

const INFERENCE_ENTRY = 'apps/inference/src/main.ts';
const IMAGES = join(WORKSPACE_ROOT, 'workloads/images');
const available = existsSync(join(WORKSPACE_ROOT, INFERENCE_ENTRY)) && existsSync(join(WORKSPACE_ROOT, 'models/digits-cnn'));

/** A sample image from workloads/images, or a drawn digit-like PNG when the samples are not there. */
async function sampleImage(): Promise<string> {
  const file = existsSync(IMAGES) ? readdirSync(IMAGES).find((name) => /\.(png|jpe?g)$/i.test(name)) : undefined;
  if (file) return readFileSync(join(IMAGES, file)).toString('base64');
  const pixels = Buffer.alloc(28 * 28);
  for (let y = 6; y < 22; y += 1) for (let x = 13; x < 16; x += 1) pixels[y * 28 + x] = 255; // a "1"
  return (
    await sharp(pixels, { raw: { width: 28, height: 28, channels: 1 } })
      .png()
      .toBuffer()
  ).toString('base64');
}

(available ? describe : describe.skip)('through a real inference process', () => {
  let redis: RunningRedisServer;
  let inference: RunningNodeService;
  let dispatcher: RunningDispatcher;

  beforeAll(async () => {
    redis = await startRedisServer();
    inference = await startNodeService({
      name: 'inference',
      entry: INFERENCE_ENTRY,
      env: { MODEL_NAME: 'digits-cnn', ORT_PROVIDERS: 'cpu' },
      readyPath: '/readyz',
      readyTimeoutMs: 90_000,
    });
    dispatcher = await startDispatcher({ REDIS_URL: redis.url, QUEUE_PREFIX: uniquePrefix(), INFERENCE_URLS: `digits-cnn=${inference.url}`, DRAIN_RATE: 0 });
  }, 120_000);
  afterAll(async () => {
    await dispatcher?.stop();
    await inference?.stop();
    await redis?.dispose();
  });

  it('an enqueued image completes with predictions and timings from the model', async () => {
    const image = await sampleImage();
    const { status, body } = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', image, topK: 3 });
    expect(status).toBe(202);
    const job = await waitForJob(dispatcher.url, body.jobId, 30_000);
    expect(job.failedReason).toBeUndefined();
    expect(job.state).toBe('completed');
    expect(job.result.model).toBe('digits-cnn');
    expect(job.result.predictions).toHaveLength(3);
    expect(job.result.predictions[0].label).toMatch(/^[0-9]$/);
    expect(job.timings.server.batchSize).toBeGreaterThanOrEqual(1);
    expect(job.timings.inferenceMs).toBeGreaterThan(0);
  });

  it('an image the model cannot decode fails at once, without retries', async () => {
    const { body } = await postJson(`${dispatcher.url}/enqueue`, { model: 'digits-cnn', image: Buffer.from('definitely not an image').toString('base64') });
    const job = await waitForJob(dispatcher.url, body.jobId, 30_000);
    expect(job.state).toBe('failed');
    expect(job.attempts).toBe(1);
    expect(job.failedReason).toMatch(/4\d\d/);
  });

  it('a synchronous /infer answers the result, and 422 with the job id for an input inference refused', async () => {
    const ok = await postJson(`${dispatcher.url}/infer`, { model: 'digits-cnn', image: await sampleImage(), topK: 2 });
    expect(ok.status).toBe(200);
    expect(ok.body.state).toBe('completed');
    expect(ok.body.result.predictions).toHaveLength(2);
    const refused = await postJson(`${dispatcher.url}/infer`, { model: 'digits-cnn', image: Buffer.from('not an image either').toString('base64') });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('input_rejected');
    expect(refused.body.error.message).toMatch(/answered 400/);
    expect(refused.body.error.details).toMatchObject({ jobId: expect.stringMatching(/^digits-cnn:/), attempts: 1, upstreamStatus: 400 });
    const status = await fetch(`${dispatcher.url}/jobs/${refused.body.error.details.jobId}`).then((r) => r.json());
    expect(status).toMatchObject({ state: 'failed', upstreamStatus: 400 });
  });
});
