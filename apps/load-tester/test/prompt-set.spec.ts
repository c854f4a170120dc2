import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnqueueItem } from '@ai/contracts';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { parseRunArgs } from '../src/cli-args';
import { parsePrompts, PromptFileError, PromptSet } from '../src/prompt-set';

describe('parsePrompts', () => {
  it('keeps one trimmed prompt per line and skips blank lines and # comments', () => {
    expect(parsePrompts('# pool\n  Call me Ishmael  \n\n#another comment\nThe whale\r\n \t\nA "quoted", comma prompt\n')).toEqual([
      'Call me Ishmael',
      'The whale',
      'A "quoted", comma prompt',
    ]);
  });

  it('refuses a file with no prompt, and names the line of one that is too long', () => {
    expect(() => parsePrompts('# only comments\n\n', 'p.txt')).toThrow(new PromptFileError('p.txt: no prompt (one per line; # starts a comment)'));
    expect(() => parsePrompts(`ok\n${'x'.repeat(2_001)}\n`, 'p.txt')).toThrow(/^p\.txt:2: a prompt is at most 2000 characters/);
  });

  it('parses the shipped pool: about 30 short prompts', () => {
    const set = PromptSet.load(join(WORKSPACE_ROOT, 'workloads/prompts.txt'), { max_new_tokens: 32 });
    expect(set.size).toBeGreaterThanOrEqual(25);
    expect(set.prompts.every((p) => p.length > 0 && p.length < 80 && !p.startsWith('#'))).toBe(true);
  });

  it('names an unreadable file', () => {
    expect(() => PromptSet.load('/nonexistent/prompts.txt', { max_new_tokens: 1 })).toThrow(/^cannot read prompts from \/nonexistent\/prompts\.txt/);
  });
});

describe('PromptSet bodies', () => {
  it('builds /enqueue bodies the dispatcher accepts: the prompt with its generation options, the callback and the client reference', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    try {
      writeFileSync(join(dir, 'p.txt'), 'first\nsecond "one"\nthird\n');
      const set = PromptSet.load(join(dir, 'p.txt'), { max_new_tokens: 7, seed: 3 }, 2);
      const prefixes = set.bodyPrefixes('tiny-lm', 'http://127.0.0.1:9/storeLatency');
      expect(prefixes).toHaveLength(2);
      const body = JSON.parse(`${prefixes[1].toString()}42"}`);
      expect(body).toEqual({
        model: 'tiny-lm',
        prompt: 'second "one"',
        generation: { max_new_tokens: 7, seed: 3 },
        callbackUrl: 'http://127.0.0.1:9/storeLatency',
        clientRef: '42',
      });
      expect(EnqueueItem.safeParse(body).success).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseRunArgs with prompts', () => {
  it('runs tiny-lm with --prompts alone, leaves the pool to the model task otherwise, and refuses --prompts with --images', () => {
    expect(parseRunArgs(['--workload', 'w', '--prompts', 'p.txt'])).toMatchObject({ model: 'tiny-lm', prompts: 'p.txt', 'max-new-tokens': 32 });
    const args = parseRunArgs(['--workload', 'w', '--model', 'tiny-lm', '--max-new-tokens', '8', '--generation-seed', '5']);
    expect(args).toMatchObject({ model: 'tiny-lm', 'max-new-tokens': 8, 'generation-seed': 5 });
    expect([args.prompts, args.images]).toEqual([undefined, undefined]);
    expect(() => parseRunArgs(['--workload', 'w', '--prompts', 'p.txt', '--images', 'imgs'])).toThrow(/^--prompts: not with --images/);
    expect(parseRunArgs(['--workload', 'w', '--prompts', 'p.txt', '--model', 'my-lm']).model).toBe('my-lm');
    expect(parseRunArgs(['--workload', 'w']).prompts).toBeUndefined();
    expect(() => parseRunArgs(['--workload', 'w', '--max-new-tokens', '0'])).toThrow(/^--max-new-tokens:/);
  });
});
