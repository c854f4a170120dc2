import { ModelConfig } from '@ai/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { CharTokenizer } from './char-tokenizer';
import { PromptTooLongError } from './prompt-too-long-error';
import { createTextGenerator, TextGenerator } from './text-generator';
import { openTinyLm, readTinyLmConfig, TINY_LM_DIR } from './tiny-lm.fixture';

describe('text generation on the tiny-lm model', () => {
  let session: InferenceSession;
  let config: ModelConfig;
  let generator: TextGenerator;

  beforeAll(async () => {
    session = await openTinyLm();
    config = readTinyLmConfig();
    generator = createTextGenerator({ session, config, versionDir: TINY_LM_DIR, maxTotalTokens: 64 });
  });
  afterAll(() => session.release());

  it('counts one token per character of the prompt', () => {
    expect(generator.countTokens('Call me Ishmael.')).toBe(16);
  });

  it('rejects a prompt over the token budget with an error naming the limit', async () => {
    const prompt = 'x'.repeat(65);
    const failure = generator.generate({ prompt, maxNewTokens: 1 });
    await expect(failure).rejects.toBeInstanceOf(PromptTooLongError);
    await expect(failure).rejects.toMatchObject({ limit: 64, tokens: 65, message: expect.stringContaining('64 tokens') });
  });

  it('clips max_new_tokens to what the budget leaves and reports finish_reason length', async () => {
    const prompt = 'The sea was calm and the '; // 25 tokens of a 64-token budget
    const result = await generator.generate({ prompt, maxNewTokens: 200, seed: 1 });
    expect(result.tokens).toBe(64 - 25);
    expect([...result.text]).toHaveLength(39);
    expect(result.finishReason).toBe('length');
  });

  it('stops at max_new_tokens with finish_reason length when the budget allows more', async () => {
    const result = await generator.generate({ prompt: 'The ship ', maxNewTokens: 10, seed: 1 });
    expect(result).toMatchObject({ tokens: 10, finishReason: 'length' });
    expect(result.totalMs).toBeGreaterThanOrEqual(result.timeToFirstTokenMs);
  });

  it('gives the same text for the same seed and, across seeds, different texts', async () => {
    const run = (seed: number) => generator.generate({ prompt: 'The whale ', maxNewTokens: 40, temperature: 1, seed });
    const first = await run(7);
    expect((await run(7)).text).toBe(first.text);
    const others = await Promise.all([8, 9, 10].map(async (seed) => (await run(seed)).text));
    expect(new Set([first.text, ...others]).size).toBeGreaterThan(1);
  });

  it('is greedy at temperature 0: the first token is the argmax of the raw logits, whatever the seed', async () => {
    const prompt = 'And so the ';
    const a = await generator.generate({ prompt, maxNewTokens: 20, temperature: 0, seed: 1 });
    const b = await generator.generate({ prompt, maxNewTokens: 20, temperature: 0, seed: 2 });
    expect(b.text).toBe(a.text);
    const ids = generator.tokenizer.encode(prompt);
    const out = await session.run({ input_ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]) });
    const logits = out['logits'].data as Float32Array;
    const last = Array.from(logits.subarray(logits.length - generator.tokenizer.vocabSize));
    expect(generator.tokenizer.encode(a.text)[0]).toBe(last.indexOf(Math.max(...last)));
  });

  it('streams pieces that add up to the returned text', async () => {
    const pieces: string[] = [];
    const result = await generator.generate({ prompt: 'Queequeg ', maxNewTokens: 15, seed: 3 }, (text) => pieces.push(text));
    expect(pieces).toHaveLength(15);
    expect(pieces.join('')).toBe(result.text);
  });

  it('keeps generating past the context window by feeding only its most recent tokens', async () => {
    const long = createTextGenerator({ session, config: { ...config, contextWindow: 16 }, versionDir: TINY_LM_DIR, maxTotalTokens: 256 });
    const result = await long.generate({ prompt: 'It was the whale ', maxNewTokens: 60, temperature: 0 });
    expect(long.contextWindow).toBe(16);
    expect(result.tokens).toBe(60);
  });

  it('stops with finish_reason stop when the model emits the end-of-sequence token', async () => {
    // With the space character as end-of-sequence token, greedy text from this model stops at the first space.
    const vocab = JSON.parse(readFileSync(join(TINY_LM_DIR, 'vocab.json'), 'utf8')) as Record<string, number>;
    const withEos = new CharTokenizer(vocab, vocab[' ']);
    const stopping = createTextGenerator({ session, config, versionDir: TINY_LM_DIR, tokenizer: withEos });
    const result = await stopping.generate({ prompt: 'The whale', maxNewTokens: 50, temperature: 0 });
    expect(result.finishReason).toBe('stop');
    expect(result.text).not.toContain(' ');
    expect(result.tokens).toBeLessThan(50);
  });
});
