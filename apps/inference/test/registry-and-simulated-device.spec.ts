import IORedis from 'ioredis';
import { startRedisServer, type RunningRedisServer } from '@ai/local-stack';
import { liveReplicas } from '@ai/redis-link';
import { readJson, sampleImages, startInference } from './inference-test-kit';

describe('replica registry membership and the simulated device', () => {
  let redis: RunningRedisServer;
  let client: IORedis;
  beforeAll(async () => {
    redis = await startRedisServer();
    client = new IORedis(redis.url, { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    client.disconnect();
    await redis.dispose();
  });

  it("joins its model's set once ready, leaves it first on shutdown and still serves during the drain delay", async () => {
    const service = await startInference({ MODEL_NAME: 'digits-cnn', REGISTRY_REDIS_URL: redis.url, DRAIN_DELAY_MS: '1500' });
    expect(await liveReplicas(client, 'digits-cnn')).toEqual([service.url]);
    const stopping = service.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await liveReplicas(client, 'digits-cnn')).toEqual([]);
    const image = sampleImages()[0];
    const res = await fetch(`${service.url}/infer`, { method: 'POST', headers: { 'content-type': image.contentType }, body: image.bytes });
    expect(res.status).toBe(200);
    await stopping;
  });

  it('SIMULATED_DEVICE_MS holds every batch, and /health says the device is simulated', async () => {
    const plain = await startInference({ MODEL_NAME: 'digits-cnn' });
    const simulated = await startInference({ MODEL_NAME: 'digits-cnn', SIMULATED_DEVICE_MS: '150', SIMULATED_DEVICE_MS_PER_ITEM: '50', MAX_BATCH_SIZE: '1' });
    try {
      expect((await readJson(await fetch(`${plain.url}/health`))).simulatedDevice).toBeUndefined();
      expect((await readJson(await fetch(`${simulated.url}/health`))).simulatedDevice).toEqual({ perBatchMs: 150, perItemMs: 50 });
      const image = sampleImages()[0];
      const infer = async (url: string) => {
        const started = performance.now();
        const res = await fetch(`${url}/infer`, { method: 'POST', headers: { 'content-type': image.contentType }, body: image.bytes });
        const body = await readJson(res);
        return { ms: performance.now() - started, label: body.predictions[0].label, inferenceMs: body.timings.inferenceMs };
      };
      const [a, b] = [await infer(plain.url), await infer(simulated.url)];
      expect(b.label).toBe(a.label);
      expect(b.inferenceMs).toBeGreaterThanOrEqual(199);
      expect(b.ms).toBeGreaterThanOrEqual(199);
    } finally {
      await plain.stop();
      await simulated.stop();
    }
  });
});
