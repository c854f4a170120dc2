/**
 * Tokens per second of the tiny LM at batch 1: the generator (tokenize, run, sample, decode) against a raw
 * `session.run` loop over exactly the same token sequences, measured in the same run. The ratio is the
 * generator's overhead; both are dominated by the model's own compute.
 *
 *   npx tsx --tsconfig tsconfig.base.json libs/text-generation/bench/tokens-per-second.ts [--model-dir models/tiny-lm/1] [--tokens 128] [--rounds 6] [--json]
 *
 * `--json` prints the figures as one JSON line (the inference bench runs this file that way and sets the
 * service's /generate beside the raw loop). `measureTokensPerSecond` is the same measurement as a function.
 */
import { ModelConfig } from '@ai/contracts';
import { createTextGenerator } from '../src';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describeRun, writeBenchmarkSection } from '@ai/local-stack';

/** The prompt both loops start from (and the inference bench sends to /generate). */
export const BENCH_PROMPT = 'Call me Ishmael. Some years ago, ';

export interface TokensPerSecondOptions {
  modelDir: string;
  /** New tokens per generation. */
  newTokens: number;
  rounds: number;
  threads: number;
}

export interface TokensPerSecondResult {
  model: string;
  version: string;
  prompt: string;
  promptTokens: number;
  newTokens: number;
  contextWindow: number;
  rounds: number;
  threads: number;
  /** Tokens generated over all rounds (each loop did the same tokens). */
  tokens: number;
  raw: { tokensPerSecond: number; msPerToken: number };
  generator: { tokensPerSecond: number; msPerToken: number; ratioToRaw: number };
  timeToFirstTokenMs: number;
}

/** Measures the generator and the raw session.run loop over the same token sequences (batch 1). */
export async function measureTokensPerSecond(options: TokensPerSecondOptions): Promise<TokensPerSecondResult> {
  const dir = options.modelDir;
  const newTokens = options.newTokens;
  const config = ModelConfig.parse(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const session = await InferenceSession.create(join(dir, config.file), { intraOpNumThreads: options.threads });
  try {
    const generator = createTextGenerator({ session, config, versionDir: dir, maxTotalTokens: 1024 });
    const prompt = generator.tokenizer.encode(BENCH_PROMPT);

    // The raw loop replays the exact contexts the generator fed, so both do the same model work.
    const rawLoop = async (generated: number[]) => {
      for (let k = 0; k < generated.length; k++) {
        const context = prompt.concat(generated.slice(0, k)).slice(-generator.contextWindow);
        await session.run({ [config.inputs[0].name]: new Tensor('int64', BigInt64Array.from(context, BigInt), [1, context.length]) });
      }
    };

    await generator.generate({ prompt: BENCH_PROMPT, maxNewTokens: 16, seed: 0 }); // warm-up
    let genMs = 0;
    let rawMs = 0;
    let total = 0;
    let ttft = 0;
    // Generations are replayed in the same round; the order alternates between rounds so that load from
    // other processes on a shared machine does not favour one side.
    const recorded: number[][] = [];
    const generate = async (round: number) => {
      const ids: number[] = [];
      const result = await generator.generate({ prompt: BENCH_PROMPT, maxNewTokens: newTokens, temperature: 0.8, topK: 40, seed: round }, (_text, id) =>
        ids.push(id),
      );
      genMs += result.totalMs;
      ttft += result.timeToFirstTokenMs;
      total += result.tokens;
      recorded[round] = ids;
    };
    const replay = async (round: number) => {
      const t0 = performance.now();
      await rawLoop(recorded[round]);
      rawMs += performance.now() - t0;
    };
    for (let round = 0; round < options.rounds; round++) {
      if (round % 2 === 0) {
        await generate(round);
        await replay(round);
      } else {
        // The same token sequence as the previous round, raw loop first.
        recorded[round] = recorded[round - 1];
        await replay(round);
        await generate(round - 1);
      }
    }
    const genRate = (total / genMs) * 1000;
    const rawRate = (total / rawMs) * 1000;
    return {
      model: config.name,
      version: config.version,
      prompt: BENCH_PROMPT,
      promptTokens: prompt.length,
      newTokens,
      contextWindow: generator.contextWindow,
      rounds: options.rounds,
      threads: options.threads,
      tokens: total,
      raw: { tokensPerSecond: rawRate, msPerToken: rawMs / total },
      generator: { tokensPerSecond: genRate, msPerToken: genMs / total, ratioToRaw: genRate / rawRate },
      timeToFirstTokenMs: ttft / options.rounds,
    };
  } finally {
    await session.release();
  }
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      'model-dir': { type: 'string', default: 'models/tiny-lm/1' },
      tokens: { type: 'string', default: '128' },
      rounds: { type: 'string', default: '6' },
      threads: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      // Read by writeBenchmarkSection: print only, leave BENCHMARKS.md as it is.
      'no-write': { type: 'boolean', default: false },
    },
  });
  const run = describeRun();
  const r = await measureTokensPerSecond({
    modelDir: flags['model-dir'],
    newTokens: Number(flags.tokens),
    rounds: Number(flags.rounds),
    threads: Number(flags.threads),
  });
  if (flags.json) {
    console.log(JSON.stringify(r));
    return;
  }
  const lines = [
    run,
    '',
    `model ${r.model}/${r.version}, batch 1, prompt ${r.promptTokens} tokens + ${r.newTokens} new, context window ${r.contextWindow}, ${r.rounds} rounds, ${r.threads} intra-op thread(s)`,
    '',
    '| loop | tokens/s | ms/token | ratio to raw session.run |',
    '|---|---|---|---|',
    `| raw session.run | ${r.raw.tokensPerSecond.toFixed(0)} | ${r.raw.msPerToken.toFixed(2)} | 1.00 |`,
    `| generator (tokenize, run, sample, decode) | ${r.generator.tokensPerSecond.toFixed(0)} | ${r.generator.msPerToken.toFixed(2)} | ${r.generator.ratioToRaw.toFixed(2)} |`,
    '',
    `Time to first token (mean): ${r.timeToFirstTokenMs.toFixed(2)} ms.`,
  ];
  console.log(lines.join('\n'));
  writeBenchmarkSection('text-generation', lines);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
