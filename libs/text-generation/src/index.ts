export * from './lib/tokenizer';
export * from './lib/char-tokenizer';
export * from './lib/byte-level-bpe-tokenizer';
export * from './lib/load-tokenizer';
export * from './lib/sampler';
export * from './lib/prompt-too-long-error';
export * from './lib/text-generator';
