import { ModelConfig } from '@ai/contracts';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadTokenizer } from './load-tokenizer';
import { PromptTooLongError } from './prompt-too-long-error';
import { mulberry32 } from '@ai/seeded-random';
import { sampleToken } from './sampler';
import { Tokenizer } from './tokenizer';

/** Default budget for prompt plus generated tokens (MAX_TOTAL_TOKENS). */
export const DEFAULT_MAX_TOTAL_TOKENS = 256;

export interface TextGeneratorOptions {
  /** An open session on a model with `input_ids` int64 [batch, seq] in and logits [batch, seq, vocab] out. */
  session: Pick<InferenceSession, 'inputNames' | 'run'>;
  config: ModelConfig;
  /** The model's version folder (the tokenizer files are read from it). */
  versionDir: string;
  /** Budget for prompt plus generated tokens; default 256. */
  maxTotalTokens?: number;
  /** Overrides the tokenizer named in config.json. */
  tokenizer?: Tokenizer;
}

export interface GenerateOptions {
  prompt: string;
  /** Upper bound on generated tokens; clipped to what the budget leaves after the prompt. */
  maxNewTokens: number;
  /** Default 1; 0 is greedy. */
  temperature?: number;
  /** Default 0 (every token). */
  topK?: number;
  /** Same seed, same prompt and options: same text. Random when absent. */
  seed?: number;
}

export interface GenerationResult {
  text: string;
  /** Tokens generated (the prompt not counted). */
  tokens: number;
  /** `stop`: the model emitted its end-of-sequence token; `length`: a token limit was reached. */
  finishReason: 'length' | 'stop';
  timeToFirstTokenMs: number;
  /** Mean wall time per generated token (totalMs / tokens; 0 when none). */
  perTokenMs: number;
  totalMs: number;
}

/** Receives each piece of text as it is generated (possibly empty while a multi-byte character is incomplete). */
export type TokenListener = (text: string, tokenId: number) => void;

export interface TextGenerator {
  readonly tokenizer: Tokenizer;
  readonly maxTotalTokens: number;
  /** The most recent tokens fed to the model per step. */
  readonly contextWindow: number;
  countTokens(prompt: string): number;
  generate(options: GenerateOptions, onToken?: TokenListener): Promise<GenerationResult>;
}

/**
 * Autoregressive generation over an ONNX causal LM: one `session.run` per new token on the last
 * `contextWindow` tokens (config.contextWindow, default the whole budget), reading the logits of the last
 * position. Models exported with `attention_mask` / `position_ids` inputs (GPT-2 exports without past
 * key values) get all-ones masks and positions 0..n−1.
 */
export function createTextGenerator(options: TextGeneratorOptions): TextGenerator {
  const { session, config } = options;
  const tokenizer = options.tokenizer ?? loadTokenizer(config, options.versionDir);
  const maxTotalTokens = options.maxTotalTokens ?? DEFAULT_MAX_TOTAL_TOKENS;
  const contextWindow = Math.min(config.contextWindow ?? maxTotalTokens, maxTotalTokens);
  const inputName = config.inputs[0].name;
  const outputName = config.outputs[0].name;
  const unsupported = session.inputNames.filter((n) => ![inputName, 'attention_mask', 'position_ids'].includes(n));
  if (unsupported.length > 0) {
    throw new Error(`model ${config.name} needs inputs the generator cannot feed: ${unsupported.join(', ')} (export it without past key values)`);
  }

  async function nextLogits(context: number[]): Promise<Float32Array> {
    const n = context.length;
    const feeds: Record<string, Tensor> = {
      [inputName]: new Tensor(
        'int64',
        BigInt64Array.from(context, (id) => BigInt(id)),
        [1, n],
      ),
    };
    if (session.inputNames.includes('attention_mask')) feeds['attention_mask'] = new Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    if (session.inputNames.includes('position_ids')) {
      feeds['position_ids'] = new Tensor(
        'int64',
        BigInt64Array.from({ length: n }, (_, i) => BigInt(i)),
        [1, n],
      );
    }
    const out = (await session.run(feeds))[outputName];
    const vocab = out.dims[out.dims.length - 1];
    const data = out.data as Float32Array;
    return data.subarray(data.length - vocab);
  }

  return {
    tokenizer,
    maxTotalTokens,
    contextWindow,
    countTokens: (prompt) => tokenizer.encode(prompt).length,
    async generate(request, onToken) {
      const started = performance.now();
      const ids = tokenizer.encode(request.prompt);
      if (ids.length > maxTotalTokens) throw new PromptTooLongError(ids.length, maxTotalTokens);
      if (ids.length === 0) throw new Error('prompt encodes to no tokens');
      const allowed = Math.min(request.maxNewTokens, maxTotalTokens - ids.length);
      const sampling = { temperature: request.temperature ?? 1, topK: request.topK ?? 0 };
      const uniform = mulberry32(request.seed ?? Math.floor(Math.random() * 2 ** 32));
      const generated: number[] = [];
      let emitted = '';
      let finishReason: GenerationResult['finishReason'] = 'length';
      let timeToFirstTokenMs = 0;
      while (generated.length < allowed) {
        const context = ids.concat(generated).slice(-contextWindow);
        const id = sampleToken(await nextLogits(context), sampling, uniform);
        if (generated.length === 0) timeToFirstTokenMs = performance.now() - started;
        if (id === tokenizer.eosTokenId) {
          finishReason = 'stop';
          break;
        }
        generated.push(id);
        if (onToken) {
          // Decode the whole continuation so multi-byte characters split across tokens come out whole.
          const text = tokenizer.decode(generated);
          const complete = text.endsWith('\uFFFD') ? emitted : text;
          onToken(complete.slice(emitted.length), id);
          emitted = complete;
        }
      }
      const totalMs = performance.now() - started;
      return {
        text: tokenizer.decode(generated),
        tokens: generated.length,
        finishReason,
        timeToFirstTokenMs,
        perTokenMs: generated.length ? totalMs / generated.length : 0,
        totalMs,
      };
    },
  };
}
