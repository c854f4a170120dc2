import type { RunningInference } from '../src/server';
import { digitFeatures, getJson, postJson, sampleImages, startInference } from './inference-test-kit';

describe('inference service with a tabular classifier (digits-mlp)', () => {
  let service: RunningInference;
  let featureCount: number;
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'digits-mlp' });
    featureCount = service.model.config.inputs[0].shape[1];
  });
  afterAll(() => service.stop());

  it('mounts /predict (not /infer) and reports its task', async () => {
    expect((await getJson(`${service.url}/health`)).body).toMatchObject({ model: 'digits-mlp', task: 'tabular-classification' });
    expect((await postJson(`${service.url}/infer`, { image: 'AAAA' })).status).toBe(404);
  });

  it('predicts the label of sample digits from their feature vectors, with top 3', async () => {
    let correct = 0;
    const images = sampleImages();
    for (const image of images) {
      const features = await digitFeatures(image.bytes);
      expect(features).toHaveLength(featureCount);
      const { status, body } = await postJson(`${service.url}/predict`, { features });
      expect(status).toBe(200);
      expect(body.top3).toHaveLength(3);
      expect(body.label).toBe(body.top3[0].label);
      expect(body.probability).toBe(body.top3[0].probability);
      if (body.label === image.label) correct += 1;
    }
    // A light model on resampled thumbnails: most, not necessarily all.
    expect(correct / images.length).toBeGreaterThanOrEqual(0.8);
  });

  it('answers 400 naming the length for a wrong feature count, and for non-numbers', async () => {
    const short = await postJson(`${service.url}/predict`, { features: [0.1, 0.2] });
    expect(short).toMatchObject({ status: 400, body: { error: { code: 'wrong_feature_length', field: 'features' } } });
    expect(short.body.error.message).toBe(`features: expected ${featureCount} values, got 2`);
    const text = await postJson(`${service.url}/predict`, { features: ['a'] });
    expect(text).toMatchObject({ status: 400, body: { error: { field: 'features.0' } } });
    expect((await postJson(`${service.url}/predict`, {})).body.error.field).toBe('features');
  });

  it('also answers the v2 protocol', async () => {
    const res = await postJson(`${service.url}/v2/models/digits-mlp/infer`, {
      inputs: [{ name: service.model.config.inputs[0].name, shape: [1, featureCount], datatype: 'FP32', data: new Array(featureCount).fill(0) }],
    });
    expect(res.status).toBe(200);
    expect(res.body.outputs[0].shape).toEqual([1, 10]);
  });
});
