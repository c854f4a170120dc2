import sharp from 'sharp';
import { decodeBinaryInferResponse, encodeBinaryInferRequest, joinBinaryBody } from '../src/kserve-binary';
import type { RunningInference } from '../src/server';
import { postJson, sampleImages, startInference, type Json } from './inference-test-kit';

/** A sample digit as the model's input values (28×28 grayscale, normalised with the model's mean/std). */
async function digitTensor(service: RunningInference, image: Buffer): Promise<Float32Array> {
  const pre = service.model.config.preprocessing!;
  const { data } = await sharp(image).resize(28, 28, { fit: 'fill' }).grayscale().raw().toBuffer({ resolveWithObject: true });
  const channels = data.length / 784;
  return Float32Array.from({ length: 784 }, (_, i) => (data[i * channels] / pre.scale - pre.mean[0]) / pre.std[0]);
}

interface RawAnswer {
  status: number;
  headers: Headers;
  body: Buffer;
  json(): Json;
}

async function postBinary(url: string, body: Buffer, headerLength: number | string | undefined, contentType = 'application/octet-stream'): Promise<RawAnswer> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (headerLength !== undefined) headers['Inference-Header-Content-Length'] = String(headerLength);
  const res = await fetch(url, { method: 'POST', headers, body });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body: bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

const floats = (bytes: Buffer) => Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)));

describe('KServe v2 binary tensor data extension', () => {
  let service: RunningInference;
  let inferUrl: string;
  let digits: Float32Array[];
  /** What the JSON protocol answers for each sample: the reference every binary answer must equal. */
  let jsonLogits: number[][];
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'digits-cnn', MODEL_VERSION: '2' });
    inferUrl = `${service.url}/v2/models/digits-cnn/infer`;
    digits = await Promise.all(
      sampleImages()
        .slice(0, 2)
        .map((s) => digitTensor(service, s.bytes)),
    );
    jsonLogits = [];
    for (const data of digits) {
      const res = await postJson(inferUrl, { inputs: [{ name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32', data: Array.from(data) }] });
      jsonLogits.push(res.body.outputs[0].data);
    }
  });
  afterAll(() => service.stop());

  it("takes a binary input and answers JSON outputs equal to the JSON protocol's", async () => {
    const { body, headerLength } = encodeBinaryInferRequest([{ name: 'input', datatype: 'FP32', shape: [1, 1, 28, 28], data: digits[0] }], { id: 'bin-1' });
    const res = await postBinary(inferUrl, body, headerLength);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('inference-header-content-length')).toBeNull();
    const json = res.json();
    expect(json).toMatchObject({ model_name: 'digits-cnn', model_version: '2', id: 'bin-1', outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, 10] }] });
    expect(json.outputs[0].data).toEqual(jsonLogits[0]);
  });

  it('answers binary outputs when binary_data_output is set: JSON header, then the raw little-endian values', async () => {
    const { body, headerLength } = encodeBinaryInferRequest([{ name: 'input', datatype: 'FP32', shape: [1, 1, 28, 28], data: digits[1] }], {
      binaryOutputs: true,
    });
    const res = await postBinary(inferUrl, body, headerLength);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/octet-stream/);
    const length = Number(res.headers.get('inference-header-content-length'));
    const { header, binary } = decodeBinaryInferResponse(res.body, length);
    expect(header.outputs).toEqual([{ name: 'logits', datatype: 'FP32', shape: [1, 10], parameters: { binary_data_size: 40 } }]);
    expect(res.body.length).toBe(length + 40);
    expect(floats(binary.get('logits')!)).toEqual(jsonLogits[1]);
  });

  it('answers one output as binary when that output asks, even for a JSON request', async () => {
    const res = await postBinary(
      inferUrl,
      Buffer.from(
        JSON.stringify({
          inputs: [{ name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32', data: Array.from(digits[0]) }],
          outputs: [{ name: 'logits', parameters: { binary_data: true } }],
        }),
      ),
      undefined,
      'application/json',
    );
    expect(res.status).toBe(200);
    const { binary } = decodeBinaryInferResponse(res.body, Number(res.headers.get('inference-header-content-length')));
    expect(floats(binary.get('logits')!)).toEqual(jsonLogits[0]);
  });

  it('takes a batch of two in one binary input, and binary_data false on an output overrides binary_data_output', async () => {
    const both = new Float32Array(2 * 784);
    both.set(digits[0]);
    both.set(digits[1], 784);
    const { body, headerLength } = joinBinaryBody(
      {
        parameters: { binary_data_output: true },
        inputs: [{ name: 'input', shape: [2, 1, 28, 28], datatype: 'FP32', parameters: { binary_data_size: both.byteLength } }],
        outputs: [{ name: 'logits', parameters: { binary_data: false } }],
      },
      [new Uint8Array(both.buffer)],
    );
    const res = await postBinary(inferUrl, body, headerLength);
    expect(res.status).toBe(200);
    const json = res.json();
    expect(json.outputs[0].shape).toEqual([2, 10]);
    expect(json.outputs[0].data).toEqual([...jsonLogits[0], ...jsonLogits[1]]);
  });

  it('times every stage of a binary request in inference_stage_seconds', async () => {
    const { body, headerLength } = encodeBinaryInferRequest([{ name: 'input', datatype: 'FP32', shape: [1, 1, 28, 28], data: digits[0] }]);
    expect((await postBinary(inferUrl, body, headerLength)).status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    for (const stage of ['parse', 'tensor', 'queue', 'run', 'topk', 'serialise']) {
      expect(metrics).toMatch(new RegExp(`inference_stage_seconds_count\\{[^}]*stage="${stage}"[^}]*\\} [1-9]`));
    }
  });

  const header = (inputs: unknown[], extra: Record<string, unknown> = {}) => ({ inputs, ...extra });
  const binaryInput = (size: number, shape = [1, 1, 28, 28]) => ({ name: 'input', shape, datatype: 'FP32', parameters: { binary_data_size: size } });
  const bytes784 = () => new Uint8Array(digits[0].buffer.slice(0));

  it.each([
    [
      'a header length that is not a number',
      () => ({ ...joinBinaryBody(header([binaryInput(3136)]), [bytes784()]), headerLength: 'abc' }),
      /Inference-Header-Content-Length: must be a byte count/,
    ],
    ['a header length past the end of the body', () => ({ body: Buffer.from('{}'), headerLength: 10 }), /Inference-Header-Content-Length: 10 bytes .* only 2/],
    [
      'a header that is not JSON',
      () => ({ body: Buffer.from('{"inputs": [nope'), headerLength: 16 }),
      /body: the first 16 bytes .* not a JSON inference request/,
    ],
    [
      'a binary_data_size that does not fit the shape',
      () => joinBinaryBody(header([binaryInput(3000)]), [bytes784().subarray(0, 3000)]),
      /inputs\.0\.parameters\.binary_data_size: shape \[1,1,28,28\] of FP32 needs 3136 bytes, got 3000/,
    ],
    [
      'more binary data than the inputs declare',
      () => joinBinaryBody(header([binaryInput(3136)]), [bytes784(), new Uint8Array(8)]),
      /body: 3144 bytes of binary data .* add up to 3136/,
    ],
    [
      'less binary data than declared',
      () => joinBinaryBody(header([binaryInput(3136)]), [bytes784().subarray(0, 100)]),
      /inputs\.0\.parameters\.binary_data_size: 3136 bytes, but only 100 are left/,
    ],
    [
      'a negative binary_data_size',
      () => joinBinaryBody(header([binaryInput(-4)]), []),
      /inputs\.0\.parameters\.binary_data_size: must be a non-negative integer, got -4/,
    ],
    [
      'data and binary_data_size together',
      () => joinBinaryBody(header([{ ...binaryInput(3136), data: [1] }]), [bytes784()]),
      /inputs\.0\.data: give data or parameters\.binary_data_size, not both/,
    ],
    [
      'an input with neither data nor binary_data_size',
      () => joinBinaryBody(header([{ name: 'input', shape: [1, 1, 28, 28], datatype: 'FP32' }]), []),
      /inputs\.0\.data: Required/,
    ],
    [
      'a binary input of the wrong datatype',
      () => joinBinaryBody(header([{ ...binaryInput(3136), datatype: 'INT32' }]), [bytes784()]),
      /inputs\.0\.datatype: input "input" must be FP32, got INT32/,
    ],
    [
      'a binary_data_output that is not a boolean',
      () => joinBinaryBody(header([binaryInput(3136)], { parameters: { binary_data_output: 'yes' } }), [bytes784()]),
      /body\.parameters\.binary_data_output: must be true or false/,
    ],
    [
      'an output binary_data that is not a boolean',
      () => joinBinaryBody(header([binaryInput(3136)], { outputs: [{ name: 'logits', parameters: { binary_data: 1 } }] }), [bytes784()]),
      /outputs\.0\.parameters\.binary_data: must be true or false/,
    ],
  ])('answers 400 with a JSON error naming the field for %s', async (_what, build, message) => {
    const { body, headerLength } = build();
    const res = await postBinary(inferUrl, body, headerLength);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.json().error).toMatch(message);
  });

  it('answers 400 for binary_data_size in a request without binary data', async () => {
    const res = await postJson(inferUrl, { inputs: [binaryInput(3136)] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/inputs\.0\.parameters\.binary_data_size: binary data needs the Inference-Header-Content-Length header/);
  });

  it('answers 413 for a binary body over BODY_LIMIT_BYTES and keeps serving', async () => {
    const small = await startInference({ MODEL_NAME: 'digits-cnn', MODEL_VERSION: '2', BODY_LIMIT_BYTES: '2000' });
    try {
      const { body, headerLength } = encodeBinaryInferRequest([{ name: 'input', datatype: 'FP32', shape: [1, 1, 28, 28], data: digits[0] }]);
      const res = await postBinary(`${small.url}/v2/models/digits-cnn/infer`, body, headerLength);
      expect(res.status).toBe(413);
      expect(typeof res.json().error).toBe('string');
    } finally {
      await small.stop();
    }
  });
});
