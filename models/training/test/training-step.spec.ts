import { InferenceSession, Tensor } from 'onnxruntime-node';
import { SeededRandom } from '@ai/seeded-random';
import { Adam } from '../src/toolkit/adam';
import { Conv2d } from '../src/nn/conv2d';
import { Dense } from '../src/nn/dense';
import { MaxPool2 } from '../src/nn/max-pool';
import { Relu } from '../src/nn/relu';
import { Sequential } from '../src/nn/sequential';
import { softmaxCrossEntropy } from '../src/toolkit/softmax-cross-entropy';
import { buildDigitsCnn } from '../src/train/digit-models';

function tinyNet(seed: number): Sequential {
  const rng = new SeededRandom(seed);
  const conv = new Conv2d({ name: 'c', inChannels: 2, outChannels: 3, height: 4, width: 4 }, rng);
  const pool = new MaxPool2(3, 4, 4);
  return new Sequential([conv, new Relu(conv.outputSize), pool, new Dense(pool.outputSize, 3, 'd', rng)]);
}

/** Loss and its gradient with respect to the logits, as the trainers compute them. */
function lossAndGrad(logits: Float32Array, labels: number[], rows: number, classes: number): { loss: number; grad: Float32Array } {
  const grad = new Float32Array(rows * classes);
  return { loss: softmaxCrossEntropy(logits, labels, rows, classes, grad).loss, grad };
}

function randomBatch(batch: number, size: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: batch * size }, () => rng.normal());
}

describe('the training stack', () => {
  it('back-propagates gradients that match finite differences of the loss', () => {
    const net = tinyNet(1);
    const x = randomBatch(2, 32, 2);
    const labels = [0, 2];
    const lossAt = () => lossAndGrad(net.forward(x, 2), labels, 2, 3).loss;
    net.backward(lossAndGrad(net.forward(x, 2), labels, 2, 3).grad, 2);
    for (const p of net.params) {
      for (const i of [0, Math.floor(p.value.length / 2), p.value.length - 1]) {
        const saved = p.value[i];
        p.value[i] = saved + 1e-2;
        const up = lossAt();
        p.value[i] = saved - 1e-2;
        const down = lossAt();
        p.value[i] = saved;
        expect(p.grad[i]).toBeCloseTo((up - down) / 2e-2, 2);
      }
    }
  });

  it('lowers the loss of a batch after a few Adam steps', () => {
    const net = buildDigitsCnn({ conv1: 4, conv2: 8, hidden: 16 }, 5);
    const x = randomBatch(16, 784, 6);
    const labels = Array.from({ length: 16 }, (_, i) => i % 10);
    const optimizer = new Adam(net.params, { learningRate: 1e-2 });
    const first = lossAndGrad(net.forward(x, 16), labels, 16, 10);
    let loss = first.loss;
    net.backward(first.grad, 16);
    optimizer.step();
    for (let step = 0; step < 5; step++) {
      const r = lossAndGrad(net.forward(x, 16), labels, 16, 10);
      loss = r.loss;
      net.backward(r.grad, 16);
      optimizer.step();
    }
    expect(loss).toBeLessThan(first.loss * 0.7);
  });

  it('exports a network whose ONNX graph computes the same logits as the training code', async () => {
    const net = buildDigitsCnn({ conv1: 4, conv2: 8, hidden: 16 }, 7);
    const x = randomBatch(3, 784, 8);
    const expected = net.forward(x, 3);
    const session = await InferenceSession.create(
      net.toOnnx({ graphName: 't', input: { name: 'input', dims: ['batch', 1, 28, 28] }, output: { name: 'logits', dims: ['batch', 10] } }),
    );
    const out = await session.run({ input: new Tensor('float32', x, [3, 1, 28, 28]) });
    const actual = out['logits'].data as Float32Array;
    expect(out['logits'].dims).toEqual([3, 10]);
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    await session.release();
  });
});
