import { join } from 'node:path';
import { MODELS, postJson, readJson, sampleImages, startInference } from './inference-test-kit';

describe('model version selection', () => {
  const image = () => ({ image: sampleImages()[0].bytes.toString('base64'), topK: 10 });

  it.each([
    [{}, '2'],
    [{ MODEL_VERSION: '1' }, '1'],
    [{ MODEL_VERSION: '2' }, '2'],
    [{ MODEL_PATH: join(MODELS, 'digits-cnn', '1'), MODEL_VERSION: '2' }, '1'],
  ])('with %j serves version %s', async (env, version) => {
    const service = await startInference({ MODEL_NAME: 'digits-cnn', ...env });
    try {
      const health = await readJson(await fetch(`${service.url}/health`));
      expect(health.version).toBe(version);
      const res = await postJson(`${service.url}/infer`, image());
      expect(res.body.version).toBe(version);
      expect(service.model.version.dir).toBe(join(MODELS, 'digits-cnn', version));
    } finally {
      await service.stop();
    }
  });

  it('versions 1 and 2 are different models (rolling back changes the answers)', async () => {
    const answers: number[][] = [];
    for (const version of ['1', '2']) {
      const service = await startInference({ MODEL_NAME: 'digits-cnn', MODEL_VERSION: version });
      try {
        const res = await postJson(`${service.url}/infer`, image());
        answers.push(res.body.predictions.map((p: { probability: number }) => p.probability));
      } finally {
        await service.stop();
      }
    }
    expect(answers[0]).not.toEqual(answers[1]);
  });

  it('refuses to start on a missing version, naming the folder and the versions there are', async () => {
    await expect(startInference({ MODEL_NAME: 'digits-cnn', MODEL_VERSION: '99' })).rejects.toThrow(
      `version "99" of model "digits-cnn" not found in ${join(MODELS, 'digits-cnn')} (available: 1, 2)`,
    );
    await expect(startInference({ MODEL_NAME: 'no-such-model' })).rejects.toThrow(join(MODELS, 'no-such-model'));
  });
});
