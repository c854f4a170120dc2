import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { ModelConfig } from '@ai/contracts';
import { loadDigitSplit } from '../src/data/mnist-digits';
import { argmaxRows } from '../src/toolkit/softmax-cross-entropy';

const WORKSPACE = resolve(__dirname, '../../..');
const IMAGES = join(WORKSPACE, 'workloads/images');
const NAME = /^digit-(\d)-(\d{4})-(\d+)px\.(png|jpg)$/;

describe('the sample digit images', () => {
  const files = readdirSync(IMAGES).filter((f) => NAME.test(f));
  const { heldOut } = loadDigitSplit();

  it('are about 40 held-out digits in PNG and JPEG at 28, 56, 112 and 224 px, labelled by name', async () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(new Set(files.map((f) => NAME.exec(f)![4]))).toEqual(new Set(['png', 'jpg']));
    expect(new Set(files.map((f) => NAME.exec(f)![3]))).toEqual(new Set(['28', '56', '112', '224']));
    expect(new Set(files.map((f) => NAME.exec(f)![1])).size).toBe(10);
    for (const file of files) {
      const [, label, index, size] = NAME.exec(file)!;
      expect(heldOut.labels[Number(index)]).toBe(Number(label)); // the index refers to the held-out set
      const meta = await sharp(join(IMAGES, file)).metadata();
      expect([meta.width, meta.height]).toEqual([Number(size), Number(size)]);
    }
  });

  it('are recognised by digits-cnn v1 after resizing back to 28×28 grayscale', async () => {
    const dir = join(WORKSPACE, 'models/digits-cnn/1');
    const config = ModelConfig.parse(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
    const { mean, std } = config.preprocessing!;
    const session = await InferenceSession.create(join(dir, 'model.onnx'));
    const input = new Float32Array(files.length * 784);
    for (const [i, file] of files.entries()) {
      const raw = await sharp(join(IMAGES, file)).grayscale().resize(28, 28, { fit: 'fill' }).raw().toBuffer();
      raw.forEach((v, p) => (input[i * 784 + p] = (v / 255 - mean[0]) / std[0]));
    }
    const out = await session.run({ input: new Tensor('float32', input, [files.length, 1, 28, 28]) });
    const predictions = argmaxRows(out['logits'].data as Float32Array, files.length, 10);
    const correct = files.filter((f, i) => predictions[i] === Number(NAME.exec(f)![1])).length;
    expect(correct / files.length).toBeGreaterThanOrEqual(0.9);
    await session.release();
  }, 60_000);
});
