import type { RunningInference } from '../src/server';
import { getJson, postJson, sampleImages, startInference } from './inference-test-kit';

describe('autoscaling demo knobs', () => {
  let service: RunningInference;
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'digits-cnn', ENABLE_LOAD_ENDPOINT: 'true', MAX_LOAD_SECONDS: '0.3', ARTIFICIAL_CPU_SEC: '0.2' });
  });
  afterAll(() => service.stop());

  it('GET /load burns CPU for the asked duration, bounded by MAX_LOAD_SECONDS, while the server keeps answering', async () => {
    const load = getJson(`${service.url}/load?duration=5`);
    expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
    const res = await load;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ device: 'cpu', requestedSeconds: 5 });
    expect(res.body.burnedSeconds).toBeGreaterThanOrEqual(0.3);
    expect(res.body.burnedSeconds).toBeLessThan(5);
  });

  it('GET /load answers 400 naming the query field for a bad duration', async () => {
    const res = await getJson(`${service.url}/load?duration=-1`);
    expect(res).toMatchObject({ status: 400, body: { error: { field: 'duration' } } });
  });

  it('ARTIFICIAL_CPU_SEC adds at least that much work to each inference', async () => {
    const started = performance.now();
    const res = await postJson(`${service.url}/infer`, { image: sampleImages()[0].bytes.toString('base64') });
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
  });
});
