import { z } from 'zod';
import { EnqueueRequest, firstProblem, ModelConfig, V2InferenceRequest, buildOpenApiDocument, InferRequest } from '../index';

function problem(schema: z.ZodType, value: unknown) {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a validation error');
  return firstProblem(result.error);
}

describe('contracts', () => {
  it('accepts one enqueue item with exactly one payload, and a batch of them', () => {
    expect(EnqueueRequest.safeParse({ model: 'digits-cnn', image: 'aGVsbG8=' }).success).toBe(true);
    expect(EnqueueRequest.safeParse({ items: [{ model: 'digits-mlp', features: [1, 2] }] }).success).toBe(true);
  });

  it('names the field when an enqueue item has no payload or two', () => {
    expect(problem(EnqueueRequest, { model: 'digits-cnn' }).field).toBe('image');
    expect(problem(EnqueueRequest, { model: 'digits-cnn', image: 'aGk=', prompt: 'hi' }).message).toMatch(/only one/);
    expect(
      problem(EnqueueRequest, {
        items: [
          { model: 'a', image: 'aGk=' },
          { model: 'A!', image: 'aGk=' },
        ],
      }).field,
    ).toBe('items.1.model');
  });

  it('rejects text that is not base64 in the image field', () => {
    expect(problem(InferRequest, { image: 'not base64 at all!' }).field).toBe('image');
  });

  it('fills model config defaults', () => {
    const config = ModelConfig.parse({
      name: 'digits-cnn',
      version: '1',
      task: 'image-classification',
      inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 10] }],
    });
    expect(config.file).toBe('model.onnx');
    expect(config.maxBatchSize).toBe(64);
  });

  it('accepts nested v2 tensor data', () => {
    const body = { inputs: [{ name: 'x', shape: [1, 2], datatype: 'FP32', data: [[1, 2]] }] };
    expect(V2InferenceRequest.safeParse(body).success).toBe(true);
  });

  it('builds an OpenAPI document whose references all resolve to components', () => {
    const doc = buildOpenApiDocument({ title: 'test', version: '1' }, [
      { method: 'post', path: '/enqueue', summary: 'enqueue', request: EnqueueRequest, responses: { 202: { description: 'accepted' } } },
    ]) as { components: { schemas: Record<string, unknown> } };
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toContain('EnqueueItem');
    for (const ref of refs) expect(doc.components.schemas[ref]).toBeDefined();
  });
});
