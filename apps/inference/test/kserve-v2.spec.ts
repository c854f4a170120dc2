import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { V2ServerMetadata } from '@ai/contracts';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import type { RunningInference } from '../src/server';
import { getJson, postJson, sampleImages, startInference } from './inference-test-kit';

/** A sample digit as the model's input tensor values (28×28 grayscale, normalised with the model's mean/std). */
async function digitTensor(service: RunningInference, image: Buffer): Promise<number[]> {
  const pre = service.model.config.preprocessing!;
  const { data } = await sharp(image).resize(28, 28, { fit: 'fill' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const channels = data.length / 784;
  return Array.from({ length: 784 }, (_, i) => (data[i * channels] / pre.scale - pre.mean[0]) / pre.std[0]);
}

describe('KServe v2 protocol', () => {
  let service: RunningInference;
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'digits-cnn', MODEL_VERSION: '2' });
  });
  afterAll(() => service.stop());

  it('answers GET /v2 with the server metadata the protocol defines, documented in the OpenAPI document', async () => {
    const { status, body } = await getJson(`${service.url}/v2`);
    expect(status).toBe(200);
    expect(V2ServerMetadata.parse(body)).toEqual({
      name: 'autoscaled-inference',
      version: JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8')).version,
      extensions: ['binary_tensor_data'],
    });
    const doc = (await getJson(`${service.url}/openapi.json`)).body;
    expect(doc.paths['/v2'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/V2ServerMetadata' });
    expect(doc.components.schemas.V2ServerMetadata.required).toEqual(['name', 'version', 'extensions']);
  });

  it('answers server liveness and readiness, model readiness and metadata', async () => {
    expect(await getJson(`${service.url}/v2/health/live`)).toEqual({ status: 200, body: { live: true } });
    expect(await getJson(`${service.url}/v2/health/ready`)).toEqual({ status: 200, body: { ready: true } });
    expect(await getJson(`${service.url}/v2/models/digits-cnn/ready`)).toEqual({ status: 200, body: { name: 'digits-cnn', ready: true } });
    expect(await getJson(`${service.url}/v2/models/digits-cnn/versions/2/ready`)).toMatchObject({ status: 200 });
    const metadata = await getJson(`${service.url}/v2/models/digits-cnn`);
    expect(metadata.body).toEqual({
      name: 'digits-cnn',
      versions: ['2'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 10] }],
      config: expect.objectContaining({ name: 'digits-cnn', version: '2', task: 'image-classification' }),
      autoCompleted: [],
    });
    expect((await getJson(`${service.url}/v2/models/digits-cnn/versions/2`)).body).toEqual(metadata.body);
  });

  it('answers 404 in the v2 error shape for an unknown model or version', async () => {
    for (const path of ['/v2/models/other', '/v2/models/other/ready', '/v2/models/digits-cnn/versions/1', '/v2/models/digits-cnn/versions/1/ready']) {
      const res = await getJson(`${service.url}${path}`);
      expect(res.status).toBe(404);
      expect(typeof res.body.error).toBe('string');
    }
    const infer = await postJson(`${service.url}/v2/models/digits-cnn/versions/7/infer`, { inputs: [] });
    expect(infer).toMatchObject({ status: 404, body: { error: expect.stringContaining('version "7"') } });
  });

  it('infers with flat and nested data alike, classifying a sample digit as /infer does', async () => {
    const image = sampleImages()[0];
    const flat = await digitTensor(service, image.bytes);
    const nested = [[Array.from({ length: 28 }, (_, y) => flat.slice(y * 28, y * 28 + 28))]];
    const results = [];
    for (const data of [flat, nested]) {
      const res = await postJson(`${service.url}/v2/models/digits-cnn/versions/2/infer`, {
        id: 'req-1',
        inputs: [{ name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32', data }],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ model_name: 'digits-cnn', model_version: '2', id: 'req-1' });
      expect(res.body.outputs[0]).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [1, 10] });
      results.push(res.body.outputs[0].data as number[]);
    }
    expect(results[1]).toEqual(results[0]);
    const best = results[0].indexOf(Math.max(...results[0]));
    expect(String(best)).toBe(image.label);
  });

  it('infers a batch of two in one request', async () => {
    const [a, b] = sampleImages();
    const data = [...(await digitTensor(service, a.bytes)), ...(await digitTensor(service, b.bytes))];
    const res = await postJson(`${service.url}/v2/models/digits-cnn/infer`, { inputs: [{ name: 'input', shape: [2, 1, 28, 28], datatype: 'FP32', data }] });
    expect(res.body.outputs[0].shape).toEqual([2, 10]);
    const rows = [res.body.outputs[0].data.slice(0, 10), res.body.outputs[0].data.slice(10)];
    expect(rows.map((r: number[]) => String(r.indexOf(Math.max(...r))))).toEqual([a.label, b.label]);
  });

  it.each([
    ['a wrong shape', { name: 'input', shape: [1, 1, 28, 27], datatype: 'FP32', data: new Array(756).fill(0) }, /inputs\.0\.shape/],
    ['too few elements for the shape', { name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32', data: [1, 2, 3] }, /needs 784 elements, got 3/],
    ['a wrong datatype', { name: 'input', shape: [1, 1, 28, 28], datatype: 'INT64', data: new Array(784).fill(0) }, /must be FP32, got INT64/],
    ['an unknown input name', { name: 'pixels', shape: [1, 1, 28, 28], datatype: 'FP32', data: new Array(784).fill(0) }, /unknown input "pixels"/],
    ['a missing data field', { name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32' }, /inputs\.0\.data/],
  ])('answers 400 in the v2 error shape for %s', async (_what, input, message) => {
    const res = await postJson(`${service.url}/v2/models/digits-cnn/infer`, { inputs: [input] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(message);
  });

  it('answers 400 for an unknown requested output', async () => {
    const res = await postJson(`${service.url}/v2/models/digits-cnn/infer`, {
      inputs: [{ name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32', data: new Array(784).fill(0) }],
      outputs: [{ name: 'probs' }],
    });
    expect(res).toMatchObject({ status: 400, body: { error: expect.stringContaining('unknown output "probs"') } });
  });
});
