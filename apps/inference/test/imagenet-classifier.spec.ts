import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RunningInference } from '../src/server';
import { IMAGENET_BENCH_MODEL, writeImageNetBenchModel } from './imagenet-model';
import { getJson, postJson, startInference } from './inference-test-kit';

describe('an ImageNet-sized classifier dropped into the repository', () => {
  let repository: string;
  let service: RunningInference;
  beforeAll(async () => {
    repository = mkdtempSync(join(tmpdir(), 'imagenet-repo-'));
    writeImageNetBenchModel(repository);
    service = await startInference({ MODEL_REPOSITORY: repository, MODEL_NAME: IMAGENET_BENCH_MODEL, MAX_BATCH_SIZE: '1' });
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(repository, { recursive: true, force: true });
  });

  it('classifies 224×224 RGB images (and other sizes, resized) through /infer', async () => {
    const noise = Buffer.from(Array.from({ length: 224 * 224 * 3 }, (_, i) => (i * 7919) % 256));
    const png = await sharp(noise, { raw: { width: 224, height: 224, channels: 3 } }).png().toBuffer();
    const jpeg = await sharp(noise, { raw: { width: 224, height: 224, channels: 3 } }).resize(320, 240).jpeg().toBuffer();
    for (const image of [png, jpeg]) {
      const res = await postJson(`${service.url}/infer`, { image: image.toString('base64'), topK: 5 });
      expect(res.status).toBe(200);
      expect(res.body.model).toBe('mobilenetv2-bench');
      expect(res.body.predictions).toHaveLength(5);
      expect(res.body.predictions[0].label).toMatch(/^class-\d+$/);
      const probabilities = res.body.predictions.map((p: { probability: number }) => p.probability);
      expect(probabilities).toEqual([...probabilities].sort((a, b) => b - a));
    }
  });

  it('describes its input in v2 metadata', async () => {
    const metadata = await getJson(`${service.url}/v2/models/mobilenetv2-bench`);
    expect(metadata.body.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }]);
  });
});
