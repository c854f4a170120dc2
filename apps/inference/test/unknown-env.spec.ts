import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeService } from '@ai/local-stack';

describe('inference start-up with a mistyped environment', () => {
  it('warns through its JSON log about each variable it ignores, naming the setting meant', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-models-'));
    try {
      // An empty repository: the process logs its warnings, fails to find the model and exits, all without a model.
      const service = await startNodeService({
        name: 'inference',
        entry: 'apps/inference/src/main.ts',
        env: { MODEL_REPOSITORY: empty, MODEL_NAMES: 'digits-cnn', ORT_THREADS: '2', MAX_BATCH_SIZ: '4', LOG_LEVEL: 'warn' },
        readyPath: null,
      });
      expect(await service.exited).toBe(1);
      const lines = service
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const mine = ['MAX_BATCH_SIZ', 'MODEL_NAMES', 'ORT_THREADS'];
      const warnings = lines
        .filter((line) => line.level === 'warn' && mine.includes(line.variable))
        .map((line) => [line.variable, line.suggestion, line.message]);
      expect(warnings).toEqual([
        ['MAX_BATCH_SIZ', 'MAX_BATCH_SIZE', 'environment variable MAX_BATCH_SIZ is not a setting and is ignored; did you mean MAX_BATCH_SIZE?'],
        ['MODEL_NAMES', 'MODEL_NAME', 'environment variable MODEL_NAMES is not a setting and is ignored; did you mean MODEL_NAME?'],
        ['ORT_THREADS', undefined, 'environment variable ORT_THREADS is not a setting and is ignored'],
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 60_000);
});
