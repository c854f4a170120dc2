import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildMobileNetV2Graph } from '@ai/onnx-builder';
import type { RunningInference } from '../src/server';
import { getJson, postJson, startInference } from './inference-test-kit';

describe('a full-size classifier dropped in as model.onnx and labels.txt, with no config.json', () => {
  let repository: string;
  let service: RunningInference;
  const labels = Array.from({ length: 1000 }, (_, i) => `species ${i}`);
  beforeAll(async () => {
    repository = mkdtempSync(join(tmpdir(), 'auto-complete-'));
    const dir = join(repository, 'my-classifier', '1');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), buildMobileNetV2Graph({ seed: 2 }).serialize());
    writeFileSync(join(dir, 'labels.txt'), `${labels.join('\n')}\n`);
    service = await startInference({ MODEL_REPOSITORY: repository, MODEL_NAME: 'my-classifier', MAX_BATCH_SIZE: '1' });
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(repository, { recursive: true, force: true });
  });

  it('shows the completed config in GET /v2/models/{name}: tensors from the model, labels from labels.txt, ImageNet preprocessing', async () => {
    const { status, body } = await getJson(`${service.url}/v2/models/my-classifier`);
    expect(status).toBe(200);
    expect(body.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }]);
    expect(body.config).toMatchObject({
      name: 'my-classifier',
      version: '1',
      task: 'image-classification',
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 1000] }],
      outputKind: 'logits',
      preprocessing: { width: 224, height: 224, channels: 3, layout: 'NCHW', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    });
    expect(body.config.labels).toEqual(labels);
    expect(body.autoCompleted).toEqual(expect.arrayContaining(['inputs', 'outputs', 'task', 'labels', 'preprocessing']));
  });

  it('classifies an image through /infer with the labels of labels.txt', async () => {
    const noise = Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 7919) % 256));
    const jpeg = await sharp(noise, { raw: { width: 64, height: 48, channels: 3 } })
      .jpeg()
      .toBuffer();
    const res = await postJson(`${service.url}/infer`, { image: jpeg.toString('base64'), topK: 3 });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('my-classifier');
    expect(res.body.predictions).toHaveLength(3);
    for (const prediction of res.body.predictions) expect(labels).toContain(prediction.label);
  });
});
