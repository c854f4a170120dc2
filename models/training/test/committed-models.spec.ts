import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelConfig } from '@ai/contracts';
import { DIGIT_PIXELS, loadDigitSplit } from '../src/data/mnist-digits';
import { FEATURE_COUNT, featuresOf } from '../src/data/digit-features';
import { MAX_ARTIFACT_BYTES } from '../src/export/model-artifact';
import { argmaxRows } from '../src/toolkit/softmax-cross-entropy';

const REPOSITORY = resolve(__dirname, '../..');

/** The committed digits models and the held-out accuracy each must reach. */
const MODELS = [
  { name: 'digits-cnn', version: '1', floor: 0.97 },
  { name: 'digits-cnn', version: '2', floor: 0.97 },
  { name: 'digits-mlp', version: '1', floor: 0.93 },
];

function readConfig(name: string, version: string): ModelConfig {
  return ModelConfig.parse(JSON.parse(readFileSync(join(REPOSITORY, name, version, 'config.json'), 'utf8')));
}

describe('the committed digits models', () => {
  const { heldOut } = loadDigitSplit();

  describe.each(MODELS)('$name v$version', ({ name, version, floor }) => {
    const config = readConfig(name, version);
    const file = join(REPOSITORY, name, version, config.file);

    it('has a valid config that names itself and describes its input, output and labels', () => {
      expect(config.name).toBe(name);
      expect(config.version).toBe(version);
      expect(config.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
      expect(config.outputs).toEqual([{ name: 'logits', dtype: 'float32', shape: [-1, 10] }]);
      expect(config.benchmarkOnly).toBe(false);
      expect(config.metrics['heldOutSamples']).toBe(heldOut.count);
      expect(config.metrics['heldOutAccuracy']).toBeGreaterThanOrEqual(floor);
      expect(statSync(file).size).toBeLessThan(MAX_ARTIFACT_BYTES);
    });

    it(`classifies the ${heldOut.count} held-out digits with at least ${floor * 100}% accuracy in onnxruntime`, async () => {
      const session = await InferenceSession.create(file);
      const spec = config.inputs[0];
      let input: Tensor;
      if (config.task === 'image-classification') {
        const { mean, std, scale } = config.preprocessing!;
        // Held-out pixels are already in [0, 1]; the server's (x / scale − mean) / std on bytes gives the same.
        const pixels = heldOut.images.map((v) => (Math.round(v * scale) / scale - mean[0]) / std[0]);
        input = new Tensor('float32', pixels, [heldOut.count, 1, 28, 28]);
        expect(spec).toEqual({ name: 'input', dtype: 'float32', shape: [-1, 1, 28, 28] });
      } else {
        input = new Tensor('float32', featuresOf(heldOut), [heldOut.count, FEATURE_COUNT]);
        expect(spec).toEqual({ name: 'features', dtype: 'float32', shape: [-1, FEATURE_COUNT] });
      }
      const out = await session.run({ [spec.name]: input });
      const predictions = argmaxRows(out['logits'].data as Float32Array, heldOut.count, 10);
      const acc = predictions.filter((p, i) => p === heldOut.labels[i]).length / heldOut.count;
      expect(acc).toBeGreaterThanOrEqual(floor);
      // The recorded metric is what the shipped file really does (to rounding of the stored pixels).
      expect(Math.abs(acc - config.metrics['heldOutAccuracy'])).toBeLessThan(0.005);
      await session.release();
    }, 60_000);
  });

  it('uses the 28×28 digit size for the image models', () => {
    expect(DIGIT_PIXELS).toBe(784);
    for (const version of ['1', '2']) {
      expect(readConfig('digits-cnn', version).preprocessing).toMatchObject({ width: 28, height: 28, channels: 1, layout: 'NCHW', scale: 255, invert: false });
    }
  });
});
