/**
 * Tokens per second of the tiny LM at batch 1: the generator (tokenize, run, sample, decode) against a raw
 * `session.run` loop over exactly the same token sequences, measured in the same run. The ratio is the
 * generator's overhead; both are dominated by the model's own compute.
 *
 *   npx tsx --tsconfig tsconfig.base.json libs/text-generation/bench/tokens-per-second.ts [--model-dir models/tiny-lm/1] [--tokens 128] [--rounds 6]
 */
import { ModelConfig } from '@ai/contracts';
import { createTextGenerator } from '../src';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { InferenceSession, Tensor } from 'onnxruntime-node';

const { values: flags } = parseArgs({
  options: {
    'model-dir': { type: 'string', default: 'models/tiny-lm/1' },
    tokens: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '6' },
    threads: { type: 'string', default: '1' },
  },
});

const PROMPT = 'Call me Ishmael. Some years ago, ';

async function main(): Promise<void> {
  const dir = flags['model-dir'];
  const newTokens = Number(flags.tokens);
  const config = ModelConfig.parse(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const session = await InferenceSession.create(join(dir, config.file), { intraOpNumThreads: Number(flags.threads) });
  const generator = createTextGenerator({ session, config, versionDir: dir, maxTotalTokens: 1024 });
  const prompt = generator.tokenizer.encode(PROMPT);

  // The raw loop replays the exact contexts the generator fed, so both do the same model work.
  const rawLoop = async (generated: number[]) => {
    for (let k = 0; k < generated.length; k++) {
      const context = prompt.concat(generated.slice(0, k)).slice(-generator.contextWindow);
      await session.run({ [config.inputs[0].name]: new Tensor('int64', BigInt64Array.from(context, BigInt), [1, context.length]) });
    }
  };

  await generator.generate({ prompt: PROMPT, maxNewTokens: 16, seed: 0 }); // warm-up
  let genMs = 0;
  let rawMs = 0;
  let total = 0;
  let ttft = 0;
  // Generations are replayed in the same round; the order alternates between rounds so that load from
  // other processes on a shared machine does not favour one side.
  const recorded: number[][] = [];
  const generate = async (round: number) => {
    const ids: number[] = [];
    const result = await generator.generate(
      { prompt: PROMPT, maxNewTokens: newTokens, temperature: 0.8, topK: 40, seed: round },
      (_text, id) => ids.push(id),
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
  for (let round = 0; round < Number(flags.rounds); round++) {
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
  console.log(`model ${config.name}/${config.version}, batch 1, prompt ${prompt.length} tokens + ${newTokens} new, context window ${generator.contextWindow}, ${flags.rounds} rounds, ${flags.threads} intra-op thread(s)`);
  console.log('| loop | tokens/s | ms/token | ratio to raw session.run |');
  console.log('|---|---|---|---|');
  console.log(`| raw session.run | ${rawRate.toFixed(0)} | ${(rawMs / total).toFixed(2)} | 1.00 |`);
  console.log(`| generator (tokenize, run, sample, decode) | ${genRate.toFixed(0)} | ${(genMs / total).toFixed(2)} | ${(genRate / rawRate).toFixed(2)} |`);
  console.log(`time to first token (mean): ${(ttft / Number(flags.rounds)).toFixed(2)} ms`);
  await session.release();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
