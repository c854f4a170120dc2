// The public API: what other projects use. Everything else stays inside.
export { PromptTooLongError } from './lib/prompt-too-long-error';
export { type GenerationResult, type TextGenerator, createTextGenerator } from './lib/text-generator';
