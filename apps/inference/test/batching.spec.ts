import type { RunningInference } from '../src/server';
import { Json, postJson, readJson, sampleImages, startInference } from './inference-test-kit';

type Prediction = { index: number; probability: number };

describe('dynamic batching over HTTP', () => {
  let batched: RunningInference;
  let single: RunningInference;
  beforeAll(async () => {
    batched = await startInference({ MODEL_NAME: 'digits-cnn', MAX_BATCH_SIZE: '16', MAX_BATCH_DELAY_MS: '50' });
    single = await startInference({ MODEL_NAME: 'digits-cnn', MAX_BATCH_SIZE: '1' });
  });
  afterAll(async () => {
    await batched.stop();
    await single.stop();
  });

  it('groups concurrent requests into batches whose results equal single runs within 1e-5', async () => {
    const images = sampleImages().slice(0, 16);
    const bodies = images.map((i) => ({ image: i.bytes.toString('base64'), topK: 10 }));
    const together = await Promise.all(bodies.map((body) => postJson(`${batched.url}/infer`, body)));
    const alone: Json[] = [];
    for (const body of bodies) alone.push(await postJson(`${single.url}/infer`, body));

    expect(Math.max(...together.map((r) => r.body.timings.batchSize))).toBeGreaterThan(1);
    expect(alone.every((r) => r.body.timings.batchSize === 1)).toBe(true);
    together.forEach((r, i) => {
      const byIndex = new Map<number, number>(alone[i].body.predictions.map((p: Prediction) => [p.index, p.probability]));
      for (const p of r.body.predictions as Prediction[]) expect(Math.abs(p.probability - byIndex.get(p.index)!)).toBeLessThan(1e-5);
    });

    const metrics = await (await fetch(`${batched.url}/metrics`)).text();
    const runs = Number(/inference_batch_size_count\{[^}]*\} (\d+)/.exec(metrics)?.[1]);
    // Two warm-up runs happen before serving and are not counted; 16 requests took fewer than 16 runs.
    expect(runs).toBeGreaterThan(0);
    expect(runs).toBeLessThan(16);
  });

  it('reports batching settings in /health', async () => {
    expect((await readJson(await fetch(`${batched.url}/health`))).batching).toEqual({ enabled: true, maxBatchSize: 16, maxDelayMs: 50 });
    expect((await readJson(await fetch(`${single.url}/health`))).batching).toMatchObject({ enabled: false, maxBatchSize: 1 });
  });
});
