import type { RunningInference } from '../src/server';
import { getJson, type Json, postJson, startInference } from './inference-test-kit';

/** Parses a text/event-stream body into its events. */
function parseEvents(text: string): { event: string; data: Json }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim().length > 0)
    .map((block) => {
      const lines = block.split('\n');
      return {
        event: lines.find((l) => l.startsWith('event: '))!.slice(7),
        data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)),
      };
    });
}

describe('inference service with a text-generation model (tiny-lm)', () => {
  let service: RunningInference;
  beforeAll(async () => {
    service = await startInference({ MODEL_NAME: 'tiny-lm', MAX_TOTAL_TOKENS: '64' });
  });
  afterAll(() => service.stop());

  it('mounts /generate (not /infer) and reports its task', async () => {
    expect((await getJson(`${service.url}/health`)).body).toMatchObject({ model: 'tiny-lm', task: 'text-generation' });
    expect((await postJson(`${service.url}/infer`, { image: 'AAAA' })).status).toBe(404);
  });

  it('generates the same text for the same seed, within the token budget', async () => {
    const request = { prompt: 'Call me Ishmael. ', max_new_tokens: 20, temperature: 0.8, seed: 42 };
    const first = await postJson(`${service.url}/generate`, request);
    const second = await postJson(`${service.url}/generate`, request);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ model: 'tiny-lm', version: '1', finish_reason: expect.stringMatching(/^(length|stop)$/) });
    expect(first.body.tokens).toBeLessThanOrEqual(20);
    expect(first.body.generated_text.length).toBeGreaterThan(0);
    expect(second.body.generated_text).toBe(first.body.generated_text);
    expect(first.body.timings.totalMs).toBeGreaterThanOrEqual(first.body.timings.timeToFirstTokenMs);
  });

  it('streams token events whose text adds up to the final answer', async () => {
    const res = await fetch(`${service.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'The whale ', max_new_tokens: 12, seed: 7, stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseEvents(await res.text());
    const done = events[events.length - 1];
    expect(done.event).toBe('done');
    const tokens = events.filter((e) => e.event === 'token');
    expect(tokens).toHaveLength(done.data.tokens);
    expect(tokens.map((e) => e.data.text).join('')).toBe(done.data.generated_text);
  });

  it('answers 400 naming the field for a prompt over MAX_TOTAL_TOKENS and for invalid requests', async () => {
    const long = await postJson(`${service.url}/generate`, { prompt: 'x'.repeat(100) });
    expect(long).toMatchObject({ status: 400, body: { error: { code: 'prompt_too_long', field: 'prompt' } } });
    expect((await postJson(`${service.url}/generate`, { prompt: '' })).body.error.field).toBe('prompt');
    expect((await postJson(`${service.url}/generate`, { prompt: 'a', max_new_tokens: 0 })).body.error.field).toBe('max_new_tokens');
  });

  it('exports the generation metrics', async () => {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/generation_tokens_total\{[^}]*model="tiny-lm"[^}]*\} [1-9]/);
    expect(text).toContain('generation_time_per_token_seconds_bucket');
    expect(text).toContain('generation_time_to_first_token_seconds_bucket');
  });
});
