import { ModelConfig } from '@ai/contracts';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ByteLevelBpeTokenizer } from './byte-level-bpe-tokenizer';
import { CharTokenizer } from './char-tokenizer';
import { Tokenizer } from './tokenizer';

/**
 * The tokenizer a model's config.json names, read from its version folder: `char` reads `tokenizer.file`
 * (token → id); `gpt2-bpe` reads `tokenizer.file` (vocab.json) and `merges.txt` beside it. GPT-2's
 * `<|endoftext|>` becomes the end-of-sequence token when the config gives no eosTokenId.
 */
export function loadTokenizer(config: ModelConfig, versionDir: string): Tokenizer {
  const spec = config.tokenizer;
  if (!spec) throw new Error(`model ${config.name} has no tokenizer in config.json`);
  const vocabPath = join(versionDir, spec.file);
  const vocab = JSON.parse(readFileSync(vocabPath, 'utf8')) as Record<string, number>;
  if (spec.type === 'char') return new CharTokenizer(vocab, spec.eosTokenId);
  const merges = readFileSync(join(dirname(vocabPath), 'merges.txt'), 'utf8');
  return new ByteLevelBpeTokenizer(vocab, merges, spec.eosTokenId ?? vocab['<|endoftext|>']);
}
