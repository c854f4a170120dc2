import { randomUUID } from 'node:crypto';
import type { FuzzTarget } from './fuzz-cases';
import { HUGE_NUMBERS, NASTY_STRINGS, pathSegment, randomJson, randomString } from './fuzz-cases';
import { brokenBase64, mutateImage } from './image-mutations';
import type { SampleImage } from './sample-inputs';
import type { SeededRandom } from '@ai/seeded-random';

/** An enqueue item with one thing wrong (or nothing), as /enqueue and /infer both take. */
function item(rng: SeededRandom, images: SampleImage[], callbackUrl: string): { mutation: string; value: Record<string, unknown> } {
  const image = rng.pick(images).bytes.toString('base64');
  const base = { model: 'digits-cnn', image };
  return rng.pick<() => { mutation: string; value: Record<string, unknown> }>([
    () => ({
      mutation: 'valid with options',
      value: { ...base, topK: rng.between(1, 10), priority: rng.between(0, 10), clientRef: randomString(rng, 10), callbackUrl },
    }),
    () => {
      const { mutation, bytes } = mutateImage(rng, images);
      return { mutation: `image ${mutation}`, value: { ...base, image: bytes.toString('base64') } };
    },
    () => {
      const { mutation, value } = brokenBase64(rng, images);
      return { mutation, value: { ...base, image: value } };
    },
    () => ({ mutation: 'two inputs', value: { ...base, prompt: 'hello' } }),
    () => ({ mutation: 'no input', value: { model: 'digits-cnn' } }),
    () => ({ mutation: 'features to an image model', value: { model: 'digits-cnn', features: Array.from({ length: rng.between(1, 100) }, () => rng.next()) } }),
    () => ({ mutation: 'prompt with unicode and NUL', value: { model: 'digits-cnn', prompt: rng.pick(NASTY_STRINGS) + randomString(rng, 30) + '\u0000🔥' } }),
    () => ({ mutation: 'unknown model', value: { ...base, model: rng.pick(['no-such-model', 'Digits-CNN', '', '-x', 'a'.repeat(64), randomString(rng, 6)]) } }),
    () => ({
      mutation: 'callback outside the allowlist',
      value: {
        ...base,
        callbackUrl: rng.pick([
          'http://169.254.169.254/latest/meta-data/',
          'http://example.com/x',
          'http://127.0.0.2:1/',
          'http://[::1]:80/',
          'http://2130706433/',
          'http://localhost.evil.com/',
          'ftp://127.0.0.1/',
          'javascript:alert(1)',
          'http://user:pass@127.0.0.1@evil.com/',
        ]),
      },
    }),
    () => ({ mutation: 'priority out of range', value: { ...base, priority: rng.pick([-1, 2_097_153, 1.5, ...HUGE_NUMBERS]) } }),
    () => ({
      mutation: 'odd idempotency key',
      value: { ...base, idempotencyKey: rng.pick(['', 'a'.repeat(129), 'with space', 'ünïcode', 'k:' + rng.between(0, 20), '../x']) },
    }),
    () => ({ mutation: 'deadline', value: { ...base, deadlineMs: rng.pick([1, 0, -5, 86_400_001, 1e308, 100]) } }),
    () => ({ mutation: 'generation options', value: { model: 'digits-cnn', prompt: 'x', generation: randomJson(rng) } }),
  ])();
}

function batch(rng: SeededRandom, images: SampleImage[], callbackUrl: string): { mutation: string; value: unknown } {
  return rng.pick<() => { mutation: string; value: unknown }>([
    () => ({
      mutation: 'batch of valid items',
      value: { items: Array.from({ length: rng.between(1, 5) }, () => ({ model: 'digits-cnn', image: rng.pick(images).bytes.toString('base64') })) },
    }),
    () => ({ mutation: 'batch with one bad item', value: { items: [item(rng, images, callbackUrl).value, { model: 'digits-cnn' }] } }),
    () => ({ mutation: 'empty batch', value: { items: [] } }),
    () => ({ mutation: 'batch of 1001', value: { items: Array.from({ length: 1001 }, () => ({ model: 'digits-cnn', features: [1] })) } }),
    () => ({ mutation: 'batch not an array', value: { items: randomJson(rng) } }),
    () => ({ mutation: 'batch plus item fields', value: { items: [{ model: 'digits-cnn', features: [1] }], model: 'digits-cnn' } }),
  ])();
}

/** Every endpoint of the dispatcher API. */
export function dispatcherTargets(images: SampleImage[], callbackUrl: string, knownJobIds: () => string[]): FuzzTarget[] {
  const post = (path: string): FuzzTarget => ({
    endpoint: `POST ${path}`,
    method: 'POST',
    path: () => path,
    valid: (rng) => ({ model: 'digits-cnn', image: rng.pick(images).bytes.toString('base64') }),
    special: (rng) => {
      const { mutation, value } = path === '/enqueue' && rng.chance(0.25) ? batch(rng, images, callbackUrl) : item(rng, images, callbackUrl);
      return { mutation, method: 'POST', path, contentType: 'application/json', body: Buffer.from(JSON.stringify(value)) };
    },
  });
  return [
    post('/enqueue'),
    post('/infer'),
    {
      endpoint: 'GET /jobs/:id',
      method: 'GET',
      path: (rng) => {
        const known = knownJobIds();
        return `/jobs/${rng.pick([
          () => (known.length > 0 ? encodeURIComponent(rng.pick(known)) : 'digits-cnn:none'),
          () => `digits-cnn:${randomUUID()}`,
          () => `no-such-model:${randomUUID()}`,
          () => pathSegment(randomString(rng, rng.between(1, 40))),
          () => 'a'.repeat(rng.pick([299, 300, 301, 5000])),
          () =>
            rng.pick([
              '%2E%2E%2F%2E%2E%2Fetc',
              'digits-cnn:',
              ':',
              'digits-cnn%3A1',
              '%00',
              'digits-cnn:idem-' + 'f'.repeat(40),
              '__proto__',
              'digits-cnn:__proto__',
            ]),
        ])()}`;
      },
    },
    {
      endpoint: 'GET /dead-letter/:model',
      method: 'GET',
      path: (rng) =>
        `/dead-letter/${rng.pick(['digits-cnn', 'no-such', pathSegment(randomString(rng, 5))])}?start=${encodeURIComponent(rng.pick(['0', '-1', '1e9', 'x', '']))}&count=${encodeURIComponent(rng.pick(['1', '50', '1000', '1001', '0', 'NaN']))}`,
    },
    {
      endpoint: 'GET probes and unknown paths',
      method: 'GET',
      path: (rng) => rng.pick(['/health', '/ready', '/openapi.json', `/${pathSegment(randomString(rng, 8))}`, '/jobs/', '/enqueue']),
    },
  ];
}
