import type { FuzzTarget } from './fuzz-cases';
import { HUGE_NUMBERS, NASTY_STRINGS, pathSegment, randomJson, randomString } from './fuzz-cases';
import { brokenBase64, mutateImage } from './image-mutations';
import type { SampleImage } from './sample-inputs';
import type { SeededRandom } from '@ai/seeded-random';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/svg+xml', 'image/tiff', 'image/x-anything'];

/** A tensor request for the v2 endpoint with one thing wrong (or nothing, one time in five). */
function v2Tensor(rng: SeededRandom, shape: number[]): { mutation: string; body: Record<string, unknown> } {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = () => Array.from({ length: size }, () => rng.next() * 2 - 1);
  const input = { name: 'input', shape, datatype: 'FP32', data: data() };
  const wrong: (() => { mutation: string; body: Record<string, unknown> })[] = [
    () => ({ mutation: 'v2 valid', body: { inputs: [input] } }),
    () => ({ mutation: 'v2 shape one short', body: { inputs: [{ ...input, shape: [...shape.slice(0, -1), shape[shape.length - 1] - 1] }] } }),
    () => ({ mutation: 'v2 data shorter than shape', body: { inputs: [{ ...input, data: data().slice(0, rng.between(0, size - 1)) }] } }),
    () => ({ mutation: 'v2 huge batch dimension', body: { inputs: [{ ...input, shape: [rng.pick([4096, 1e6, 2 ** 31, 1e15]), ...shape.slice(1)] }] } }),
    () => ({ mutation: 'v2 zero batch', body: { inputs: [{ ...input, shape: [0, ...shape.slice(1)], data: [] }] } }),
    () => ({ mutation: 'v2 wrong rank', body: { inputs: [{ ...input, shape: Array.from({ length: rng.between(1, 8) }, () => rng.between(0, 5)) }] } }),
    () => ({ mutation: 'v2 wrong datatype', body: { inputs: [{ ...input, datatype: rng.pick(['INT64', 'BYTES', 'BOOL', 'FP16', 'UINT8', 'fp32']) }] } }),
    () => ({
      mutation: 'v2 strings and nulls in data',
      body: { inputs: [{ ...input, data: data().map((v, i) => (i % 7 === 0 ? rng.pick(['x', null, true, '1e999', {}]) : v)) }] },
    }),
    () => ({ mutation: 'v2 huge numbers in data', body: { inputs: [{ ...input, data: data().map(() => rng.pick(HUGE_NUMBERS)) }] } }),
    () => ({ mutation: 'v2 unknown input name', body: { inputs: [{ ...input, name: randomString(rng, 8) }] } }),
    () => ({ mutation: 'v2 unknown output', body: { inputs: [input], outputs: [{ name: rng.pick(['probabilities', '', '__proto__']) }] } }),
    () => ({ mutation: 'v2 two inputs same name', body: { inputs: [input, input] } }),
    () => ({ mutation: 'v2 nested data', body: { inputs: [{ ...input, data: [data()] }] } }),
    () => ({ mutation: 'v2 no inputs', body: { inputs: [] } }),
    () => ({ mutation: 'v2 random parameters', body: { inputs: [input], parameters: { x: randomJson(rng) }, id: randomString(rng, 10) } }),
  ];
  return rng.pick(wrong)();
}

function v2Target(model: string, shape: number[]): FuzzTarget {
  const paths = [
    `/v2/models/${model}/infer`,
    `/v2/models/${model}/versions/1/infer`,
    `/v2/models/${model}/versions/999/infer`,
    '/v2/models/no-such-model/infer',
  ];
  return {
    endpoint: `POST /v2/models/${model}/infer`,
    method: 'POST',
    path: (rng) => (rng.chance(0.85) ? paths[0] : rng.pick(paths)),
    valid: (rng) => v2Tensor(rng, shape).body,
    special: (rng) => {
      const { mutation, body } = v2Tensor(rng, shape);
      return { mutation, method: 'POST', path: `/v2/models/${model}/infer`, contentType: 'application/json', body: Buffer.from(JSON.stringify(body)) };
    },
  };
}

/** GET endpoints with odd paths and query strings: metadata, readiness, /load, unknown routes. */
function getTarget(paths: (rng: SeededRandom) => string, endpoint: string): FuzzTarget {
  return { endpoint, method: 'GET', path: paths };
}

const LOAD_DURATIONS = ['', '0', '-1', 'NaN', 'Infinity', '1e309', '601', '0x10', 'abc', '%00', '0.001', '1;rm', '[]', '1&duration=2'];

/** Every endpoint of an inference process serving an image classifier (digits-cnn). */
export function imageInferenceTargets(images: SampleImage[]): FuzzTarget[] {
  return [
    {
      endpoint: 'POST /infer (JSON)',
      method: 'POST',
      path: () => '/infer',
      valid: (rng) => ({ image: rng.pick(images).bytes.toString('base64'), topK: rng.between(1, 10) }),
      special: (rng) => {
        const useBroken = rng.chance(0.3);
        const { mutation, value } = useBroken
          ? brokenBase64(rng, images)
          : (({ mutation: m, bytes }) => ({ mutation: m, value: bytes.toString('base64') }))(mutateImage(rng, images));
        const body = {
          image: rng.chance(0.1) ? `data:image/png;base64,${value}` : value,
          ...(rng.chance(0.3) && { topK: rng.pick([0, 1, 10, 11, 1000, 1001, -5, 2.5, 1e308]) }),
        };
        return { mutation: `JSON ${mutation}`, method: 'POST', path: '/infer', contentType: 'application/json', body: Buffer.from(JSON.stringify(body)) };
      },
    },
    {
      endpoint: 'POST /infer (raw image bytes)',
      method: 'POST',
      path: () => '/infer',
      special: (rng) => {
        const { mutation, bytes } = mutateImage(rng, images);
        const query = rng.chance(0.3) ? `?topK=${encodeURIComponent(rng.pick(['0', '3', '1001', 'x', '-1', '1e3', '', '2.5']))}` : '';
        return { mutation: `raw ${mutation}`, method: 'POST', path: `/infer${query}`, contentType: rng.pick(IMAGE_TYPES), body: bytes };
      },
    },
    v2Target('digits-cnn', [1, 1, 28, 28]),
    getTarget((rng) => `/load?duration=${encodeURIComponent(rng.pick(LOAD_DURATIONS))}`, 'GET /load'),
    getTarget(
      (rng) =>
        rng.pick([
          '/v2/models/digits-cnn',
          '/v2/models/digits-cnn/ready',
          '/v2/models/digits-cnn/versions/1',
          `/v2/models/${pathSegment(randomString(rng, 6))}`,
          `/v2/models/digits-cnn/versions/${pathSegment(randomString(rng, 4))}/ready`,
          `/${pathSegment(randomString(rng, 12))}`,
          '/healthz',
          '/readyz',
          '/health',
          '/%E0%A4%A',
        ]),
      'GET metadata, probes, unknown paths',
    ),
  ];
}

/** Every endpoint of an inference process serving a tabular classifier (digits-mlp). */
export function tabularInferenceTargets(featureLength: number): FuzzTarget[] {
  const features = (rng: SeededRandom, length = featureLength) => Array.from({ length }, () => rng.next() * 16);
  return [
    {
      endpoint: 'POST /predict',
      method: 'POST',
      path: () => '/predict',
      valid: (rng) => ({ features: features(rng) }),
      special: (rng) => {
        const body = rng.pick([
          () => ({ mutation: 'features one short', value: { features: features(rng, featureLength - 1) } }),
          () => ({ mutation: 'features one long', value: { features: features(rng, featureLength + 1) } }),
          () => ({ mutation: 'features 100000 long', value: { features: features(rng, 100_000) } }),
          () => ({ mutation: 'features empty', value: { features: [] } }),
          () => ({ mutation: 'features nested', value: { features: [features(rng)] } }),
          () => ({ mutation: 'features with strings', value: { features: features(rng).map((v, i) => (i === 3 ? 'NaN' : v)) } }),
          () => ({ mutation: 'features huge numbers', value: { features: features(rng).map(() => rng.pick(HUGE_NUMBERS)) } }),
          () => ({ mutation: 'features as an object', value: { features: { length: featureLength } } }),
        ])();
        return { mutation: body.mutation, method: 'POST', path: '/predict', contentType: 'application/json', body: Buffer.from(JSON.stringify(body.value)) };
      },
    },
    v2Target('digits-mlp', [1, featureLength]),
    getTarget(
      (rng) =>
        rng.pick(['/v2/models/digits-mlp', '/v2/models/digits-mlp/ready', `/v2/models/${pathSegment(randomString(rng, 5))}/ready`, '/infer', '/generate']),
      'GET metadata, wrong task routes',
    ),
  ];
}

/** Every endpoint of an inference process serving a text-generation model (tiny-lm). */
export function textGenerationTargets(): FuzzTarget[] {
  const prompt = (rng: SeededRandom) =>
    rng.pick([
      () => 'Call me Ishmael. ',
      () => randomString(rng, rng.between(1, 40)),
      () => '🐋🌊 whale\u0000 ' + rng.pick(NASTY_STRINGS),
      () => 'x'.repeat(rng.between(200, 5_000)),
      () => '\u202E\uFEFF\uD800 ünïcödé 鲸 ' + randomString(rng, 5),
    ])();
  return [
    {
      endpoint: 'POST /generate',
      method: 'POST',
      path: () => '/generate',
      valid: (rng) => ({
        prompt: prompt(rng),
        max_new_tokens: rng.between(1, 8),
        temperature: rng.next(),
        top_k: rng.between(0, 10),
        seed: rng.between(0, 1000),
      }),
      special: (rng) => {
        const body = rng.pick([
          () => ({ mutation: 'unicode prompt', value: { prompt: prompt(rng), max_new_tokens: rng.between(1, 4) } }),
          () => ({ mutation: 'streaming', value: { prompt: prompt(rng), max_new_tokens: rng.between(1, 4), stream: true } }),
          () => ({ mutation: 'token budget over the limit', value: { prompt: prompt(rng), max_new_tokens: rng.pick([0, 4096, 4097, 1e9, -1, 2.5]) } }),
          () => ({
            mutation: 'sampling out of range',
            value: { prompt: 'a', temperature: rng.pick([-1, 5.1, 1e308, 0]), top_k: rng.pick([-1, 100_001, 0.5]), seed: rng.pick([-1, 2 ** 32, 1.5]) },
          }),
          () => ({ mutation: 'empty prompt', value: { prompt: '' } }),
          () => ({ mutation: 'prompt not a string', value: { prompt: randomJson(rng) } }),
        ])();
        return { mutation: body.mutation, method: 'POST', path: '/generate', contentType: 'application/json', body: Buffer.from(JSON.stringify(body.value)) };
      },
    },
    getTarget(
      (rng) => rng.pick(['/healthz', '/readyz', '/infer', '/predict', '/v2/models/tiny-lm', `/${pathSegment(randomString(rng, 6))}`]),
      'GET probes and routes of other tasks',
    ),
  ];
}
