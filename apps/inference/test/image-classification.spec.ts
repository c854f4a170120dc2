import type { RunningInference } from '../src/server';
import { getJson, postJson, readJson, sampleImages, startInference } from './inference-test-kit';

describe('inference service with an image classifier (digits-cnn, latest version)', () => {
  let service: RunningInference;
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'digits-cnn' });
  });
  afterAll(() => service.stop());

  it('is live, ready after warm-up, and reports model, version and provider in /health', async () => {
    expect(await getJson(`${service.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await getJson(`${service.url}/readyz`)).toMatchObject({ status: 200, body: { ready: true } });
    const health = await getJson(`${service.url}/health`);
    expect(health.body).toMatchObject({ status: 'ok', model: 'digits-cnn', version: '2', task: 'image-classification', provider: 'cpu', inFlight: 0 });
    expect(health.body.gpus).toBeUndefined();
  });

  it('classifies the sample images from base64 JSON as well as its held-out accuracy promises', async () => {
    const images = sampleImages();
    expect(images.length).toBeGreaterThanOrEqual(10);
    expect(new Set(images.map((i) => i.contentType))).toEqual(new Set(['image/png', 'image/jpeg']));
    const wrong: string[] = [];
    for (const image of images) {
      const { status, body } = await postJson(`${service.url}/infer`, { image: image.bytes.toString('base64'), topK: 3 });
      expect(status).toBe(200);
      expect(body.predictions).toHaveLength(3);
      expect(body).toMatchObject({ model: 'digits-cnn', version: '2', timings: { batchSize: expect.any(Number) } });
      if (body.predictions[0].label !== image.label) wrong.push(`${image.file} → ${body.predictions[0].label}`);
    }
    // digits-cnn scores about 97% on held-out digits; the samples are held-out digits, resized.
    expect(wrong.length / images.length).toBeLessThanOrEqual(0.05);
  });

  it('accepts raw image bytes with an image/* content type, and a data: URL', async () => {
    const image = sampleImages().find((i) => i.file.startsWith('digit-0-'))!;
    const raw = await fetch(`${service.url}/infer?topK=2`, { method: 'POST', headers: { 'content-type': image.contentType }, body: image.bytes });
    const rawBody = await readJson(raw);
    expect(raw.status).toBe(200);
    expect(rawBody.predictions.map((p: { label: string }) => p.label)[0]).toBe(image.label);
    expect(rawBody.predictions).toHaveLength(2);
    const dataUrl = await postJson(`${service.url}/infer`, { image: `data:${image.contentType};base64,${image.bytes.toString('base64')}` });
    expect(dataUrl.body.predictions).toHaveLength(5);
    expect(dataUrl.body.predictions[0].probability).toBeCloseTo(rawBody.predictions[0].probability, 6);
  });

  it('accepts base64 as every encoder writes it: padded or not, in lines, and answers the same', async () => {
    const image = sampleImages().find((i) => i.file.endsWith('.jpg'))!;
    const canonical = image.bytes.toString('base64');
    const variants = [canonical, canonical.replace(/=+$/, ''), canonical.replace(/(.{76})/g, '$1\r\n')];
    const answers = [];
    for (const base64 of variants) answers.push(await postJson(`${service.url}/infer`, { image: base64, topK: 3 }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers.slice(1)) expect(a.body.predictions).toEqual(answers[0].body.predictions);
  });

  it('times each stage of a request in inference_stage_seconds', async () => {
    const image = sampleImages()[0];
    expect((await postJson(`${service.url}/infer`, { image: image.bytes.toString('base64') })).status).toBe(200);
    const text = await (await fetch(`${service.url}/metrics`)).text();
    for (const stage of ['parse', 'base64', 'decode', 'tensor', 'queue', 'run', 'topk', 'serialise']) {
      expect(text).toMatch(new RegExp(`inference_stage_seconds_count\\{[^}]*model="digits-cnn",version="2",stage="${stage}"[^}]*\\} [1-9]`));
    }
  });

  it('exports the shared metric names with model and version labels', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    for (const name of [
      'inference_requests_total{model="digits-cnn",version="2",status="200"',
      'inference_latency_seconds_bucket',
      'inference_batch_size_bucket',
      'inference_queue_seconds_bucket',
      'model_load_seconds{model="digits-cnn",version="2"',
      'inference_provider_info{model="digits-cnn",version="2",provider="cpu"',
      'inference_in_flight{model="digits-cnn",version="2"',
      'inference_exceptions_total',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toContain(name);
    }
  });

  it('serves OpenAPI at /openapi.json and /docs with the routes of its task only', async () => {
    const doc = await getJson(`${service.url}/openapi.json`);
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/infer', '/health', '/v2/models/{name}/infer']));
    expect(doc.body.paths['/predict']).toBeUndefined();
    expect(doc.body.paths['/load']).toBeUndefined();
    expect((await fetch(`${service.url}/docs/`)).status).toBe(200);
  });

  it('does not mount /predict, /generate or /load for an image classifier with the load endpoint off', async () => {
    expect((await postJson(`${service.url}/predict`, { features: [1] })).status).toBe(404);
    expect((await postJson(`${service.url}/generate`, { prompt: 'x' })).status).toBe(404);
    expect((await fetch(`${service.url}/load?duration=1`)).status).toBe(404);
  });
});
