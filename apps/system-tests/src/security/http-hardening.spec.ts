import { startNodeService, type RunningNodeService } from '@ai/local-stack';
import { modelRepository } from '../support/model-repository';
import { Stack, INFERENCE_ENTRY } from '../support/stack';

const STACK_TRACE = /\n\s+at\s|\.ts:\d+|\.js:\d+|node_modules/;
const BODY_LIMIT_BYTES = 64 * 1024;

/** Headers helmet sets that a browser-facing deployment relies on. */
const EXPECTED_HEADERS: Record<string, RegExp> = {
  'x-content-type-options': /^nosniff$/,
  'x-frame-options': /^SAMEORIGIN$|^DENY$/,
  'strict-transport-security': /max-age=\d+/,
  'referrer-policy': /no-referrer/,
  'cross-origin-opener-policy': /same-origin/,
  'x-dns-prefetch-control': /off/,
};

async function checkHardening(service: RunningNodeService, postPath: string, getPath: string): Promise<void> {
  // Security headers on a success, an error and an unknown route; no X-Powered-By.
  for (const response of [
    await fetch(service.url + getPath),
    await fetch(service.url + '/no-such-route'),
    await fetch(service.url + postPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"bad' }),
  ]) {
    for (const [name, pattern] of Object.entries(EXPECTED_HEADERS)) expect([name, response.headers.get(name)]).toEqual([name, expect.stringMatching(pattern)]);
    expect(response.headers.get('x-powered-by')).toBeNull();
  }
  // Malformed JSON, a wrong type and an oversized body: 4xx JSON errors, no stack trace, no internals.
  const answers = [
    await fetch(service.url + postPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"bad' }),
    await fetch(service.url + postPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"image": 12, "features": "x"}' }),
    await fetch(service.url + postPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x'.repeat(BODY_LIMIT_BYTES * 2) }),
    }),
  ];
  const statuses = answers.map((answer) => answer.status);
  expect(statuses).toEqual([400, 400, 413]);
  for (const answer of answers) {
    const text = await answer.text();
    expect(text).not.toMatch(STACK_TRACE);
    expect(JSON.parse(text)).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
  }
}

/** Helmet headers, body limits and error bodies without internals, on every app. */
describe('HTTP hardening of every app', () => {
  let stack: Stack;
  let tabular: RunningNodeService;

  beforeAll(async () => {
    stack = await Stack.start({ inferenceEnv: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) }, dispatcherEnv: { BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) } });
    tabular = await startNodeService({
      name: 'inference digits-mlp',
      entry: INFERENCE_ENTRY,
      readyPath: '/readyz',
      readyTimeoutMs: 120_000,
      env: { MODEL_REPOSITORY: modelRepository(), MODEL_NAME: 'digits-mlp', ORT_PROVIDERS: 'cpu', BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) },
    });
  });

  afterAll(async () => {
    await tabular?.stop('SIGKILL');
    await stack?.dispose();
  });

  it('inference (image model): security headers, 400/413 JSON errors, no stack traces', async () => {
    await checkHardening(stack.inference[0], '/infer', '/healthz');
  });

  it('inference (tabular model): security headers, 400/413 JSON errors, no stack traces', async () => {
    await checkHardening(tabular, '/predict', '/healthz');
  });

  it('dispatcher: security headers, 400/413 JSON errors, no stack traces', async () => {
    await checkHardening(stack.dispatchers[0], '/enqueue', '/health');
  });
});
