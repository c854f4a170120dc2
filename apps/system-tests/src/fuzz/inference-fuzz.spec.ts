import { startNodeService, type RunningNodeService } from '@ai/local-stack';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FUZZ_CASES, FUZZ_TEST_TIMEOUT_MS, fuzzApp, type FuzzedService } from '../support/fuzz-app';
import { imageInferenceTargets, tabularInferenceTargets, textGenerationTargets } from '../support/inference-fuzz-targets';
import { modelRepository } from '../support/model-repository';
import { sampleImages, tabularFeatureLength } from '../support/sample-inputs';
import { INFERENCE_ENTRY } from '../support/stack';

/** Stated bound: RSS after a fuzz run ≤ RSS before + this (heap growth, sharp's cache, glibc arenas). */
const RSS_GROWTH_BOUND_MB = 150;
const BODY_LIMIT_BYTES = 1024 * 1024;

/** Every endpoint of the inference service, both tasks (an image model and a tabular one), 10,000 cases. */
describe('inference under fuzzed input', () => {
  const services: RunningNodeService[] = [];

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop('SIGKILL')));
  });

  it(
    'answers every case with a valid result or a 4xx JSON error, stays up, and keeps memory bounded',
    async () => {
      const repository = modelRepository();
      const env = {
        MODEL_REPOSITORY: repository,
        ORT_PROVIDERS: 'cpu',
        ORT_INTRA_OP_THREADS: '1',
        BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
        ENABLE_LOAD_ENDPOINT: 'true',
        MAX_LOAD_SECONDS: '0.01',
        // Generation is bounded so valid prompts stay cheap.
        MAX_TOTAL_TOKENS: '64',
      };
      const start = (model: string) =>
        startNodeService({
          name: `inference ${model}`,
          entry: INFERENCE_ENTRY,
          readyPath: '/readyz',
          readyTimeoutMs: 120_000,
          env: { ...env, MODEL_NAME: model },
        });
      const [image, tabular] = await Promise.all([start('digits-cnn'), start('digits-mlp')]);
      services.push(image, tabular);
      const images = await sampleImages();
      const fuzzed: FuzzedService[] = [
        { service: image, targets: imageInferenceTargets(images), share: 0.6, livePath: '/readyz' },
        { service: tabular, targets: tabularInferenceTargets(tabularFeatureLength(repository)), share: 0.25, livePath: '/readyz' },
      ];
      // The text-generation model, where the repository has one (the stand-in repository has none).
      if (existsSync(join(repository, 'tiny-lm'))) {
        const text = await start('tiny-lm');
        services.push(text);
        fuzzed.push({ service: text, targets: textGenerationTargets(), share: 0.15, livePath: '/readyz' });
      } else {
        fuzzed[0].share += 0.15;
      }

      const report = await fuzzApp('inference', fuzzed, BODY_LIMIT_BYTES);

      expect(report.cases).toBeGreaterThanOrEqual(FUZZ_CASES);
      expect(report.violations).toEqual([]);
      expect(report.valid).toBeGreaterThan(0);
      expect(report.clientErrors).toBeGreaterThan(0);
      for (const process of report.processes) {
        expect(process.stillUp).toBe(true);
        expect(process.rssAfterMb).toBeLessThanOrEqual(process.rssBeforeMb + RSS_GROWTH_BOUND_MB);
      }
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
