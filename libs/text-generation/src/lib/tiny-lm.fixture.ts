import { ModelConfig } from '@ai/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';

/** The committed character model the tests run on. */
export const TINY_LM_DIR = join(__dirname, '..', '..', '..', '..', 'models', 'tiny-lm', '1');

export function readTinyLmConfig(): ModelConfig {
  return ModelConfig.parse(JSON.parse(readFileSync(join(TINY_LM_DIR, 'config.json'), 'utf8')));
}

export function openTinyLm(): Promise<InferenceSession> {
  // One intra-op thread: the test machine's cores are shared, and results do not depend on it.
  return InferenceSession.create(join(TINY_LM_DIR, 'model.onnx'), { intraOpNumThreads: 1 });
}
