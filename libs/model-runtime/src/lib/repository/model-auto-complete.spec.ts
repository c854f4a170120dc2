import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempRepository, tinyConvClassifier, type TempRepository } from '../models.fixture';
import { loadModel } from '../loaded-model';
import { autoCompleteModelVersion } from './model-auto-complete';

describe('a model folder holding only model.onnx (and labels.txt)', () => {
  let repo: TempRepository;
  beforeAll(() => {
    repo = createTempRepository();
    const dir = join(repo.root, 'scribbles', '4');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.onnx'), tinyConvClassifier(3));
    writeFileSync(join(dir, 'labels.txt'), 'zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\n\n');
  });
  afterAll(() => repo.dispose());

  it('is completed from the model itself and served by a real session', async () => {
    const version = await autoCompleteModelVersion({ repository: repo.root, name: 'scribbles' });
    expect(version.config).toMatchObject({
      name: 'scribbles',
      version: '4',
      task: 'image-classification',
      inputs: [{ name: 'input', dtype: 'float32', shape: [-1, 1, 28, 28] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: [-1, 10] }],
      preprocessing: { width: 28, height: 28, channels: 1, layout: 'NCHW' },
    });
    expect(version.config.labels[9]).toBe('nine');
    expect(version.availableVersions).toEqual(['4']);
    const model = await loadModel({ repository: repo.root, name: 'scribbles', providers: 'cpu' });
    try {
      const { outputs } = await model.run(model.zeroFeeds(1));
      expect(outputs.logits.dims).toEqual([1, 10]);
    } finally {
      await model.close();
    }
  });

  it('takes a partial config.json over the model, and names the folder when the model is not ONNX', async () => {
    const dir = join(repo.root, 'scribbles', '5');
    mkdirSync(dir);
    writeFileSync(join(dir, 'model.onnx'), tinyConvClassifier(4));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ description: 'inverted', preprocessing: { invert: true } }));
    const version = await autoCompleteModelVersion({ repository: repo.root, name: 'scribbles' });
    expect(version.config).toMatchObject({ version: '5', description: 'inverted', preprocessing: { invert: true, width: 28 } });
    expect(version.autoCompleted).not.toContain('preprocessing');

    const broken = join(repo.root, 'garbage', '1');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'model.onnx'), 'not a model');
    await expect(autoCompleteModelVersion({ repository: repo.root, name: 'garbage' })).rejects.toThrow(
      `${join(broken, 'model.onnx')} cannot be read as an ONNX model`,
    );
  });
});
