import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createImagePreprocessor, softmax } from '@ai/model-runtime';
import { decodeBinaryInferResponse, encodeBinaryInferRequest } from '../src/kserve-binary';
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
    const png = await sharp(noise, { raw: { width: 224, height: 224, channels: 3 } })
      .png()
      .toBuffer();
    const jpeg = await sharp(noise, { raw: { width: 224, height: 224, channels: 3 } })
      .resize(320, 240)
      .jpeg()
      .toBuffer();
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

  it('gives the same probabilities for an image sent to /infer and as a v2 binary tensor of its preprocessed values', async () => {
    const noise = Buffer.from(Array.from({ length: 224 * 224 * 3 }, (_, i) => (i * 104729) % 256));
    const png = await sharp(noise, { raw: { width: 224, height: 224, channels: 3 } })
      .png()
      .toBuffer();
    const values = await createImagePreprocessor(service.model.config.preprocessing!, { maxInputPixels: 1e6 })(png);
    const { body, headerLength } = encodeBinaryInferRequest([{ name: 'input', datatype: 'FP32', shape: [1, 3, 224, 224], data: values }], {
      binaryOutputs: true,
    });
    const res = await fetch(`${service.url}/v2/models/mobilenetv2-bench/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'Inference-Header-Content-Length': String(headerLength) },
      body,
    });
    expect(res.status).toBe(200);
    const answer = Buffer.from(await res.arrayBuffer());
    const { binary } = decodeBinaryInferResponse(answer, Number(res.headers.get('inference-header-content-length')));
    const logits = binary.get('logits')!;
    const probabilities = softmax(new Float32Array(logits.buffer.slice(logits.byteOffset, logits.byteOffset + logits.length)));
    const viaInfer = await postJson(`${service.url}/infer`, { image: png.toString('base64'), topK: 5 });
    for (const p of viaInfer.body.predictions as { index: number; probability: number }[])
      expect(Math.abs(p.probability - probabilities[p.index])).toBeLessThan(1e-5);
  });

  it('describes its input in v2 metadata', async () => {
    const metadata = await getJson(`${service.url}/v2/models/mobilenetv2-bench`);
    expect(metadata.body.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3, 224, 224] }]);
  });
});
