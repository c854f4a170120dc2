import { Adam } from '../src/toolkit/adam';
import { fit } from '../src/toolkit/fit';
import { stepDecay, warmupCosine } from '../src/toolkit/learning-rate';
import { Parameter } from '../src/toolkit/parameter';
import { softmaxCrossEntropy } from '../src/toolkit/softmax-cross-entropy';

describe('the training toolkit', () => {
  it('refuses a parameter whose values do not fill its dims', () => {
    expect(() => new Parameter('w', [2, 3], new Float32Array(5))).toThrow('w: 5 values for dims [2, 3]');
  });

  it('makes the first Adam step lr × sign(gradient), as bias correction promises', () => {
    const p = new Parameter('w', [2, 2], Float32Array.from([1, 1, 1, 1]));
    p.grad.set([0.5, -2, 1e-3, 0]);
    new Adam([p]).step(0.1);
    expect(Array.from(p.value).map((v) => +v.toFixed(4))).toEqual([0.9, 1.1, 0.9, 1]);
    expect(Array.from(p.grad)).toEqual([0, 0, 0, 0]);
  });

  it('clips the global gradient norm only when asked, and decays weights but not biases', () => {
    const clipped = new Parameter('w', [1, 2], Float32Array.from([0, 0]));
    const unclipped = new Parameter('w', [1, 2], Float32Array.from([0, 0]));
    // Adam's first step is scale-free, so compare the second moments' effect over two steps with a changed gradient.
    const clippedAdam = new Adam([clipped], { clipNorm: 1 });
    const plainAdam = new Adam([unclipped]);
    for (const g of [
      [30, 40],
      [3, 4],
    ]) {
      clipped.grad.set(g);
      unclipped.grad.set(g);
      clippedAdam.step(0.1);
      plainAdam.step(0.1);
    }
    expect(clipped.value[0]).not.toBeCloseTo(unclipped.value[0], 5);

    const weight = new Parameter('w', [1, 1], Float32Array.from([2]));
    const bias = new Parameter('b', [1], Float32Array.from([2]));
    new Adam([weight, bias], { learningRate: 0.1, weightDecay: 0.5 }).step();
    expect(weight.value[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
    expect(bias.value[0]).toBe(2);
  });

  it('scores only rows with a target and divides the gradient by the scored rows', () => {
    const logits = Float32Array.from([0, 0, 5, 5]);
    const grad = new Float32Array(4);
    const { loss, count } = softmaxCrossEntropy(logits, [1, -1], 2, 2, grad);
    expect(count).toBe(1);
    expect(loss).toBeCloseTo(Math.LN2, 6);
    expect(Array.from(grad)).toEqual([0.5, -0.5, 0, 0]);
  });

  it('follows the step-decay and warm-up-cosine schedules', () => {
    const decay = stepDecay(1, 0.5, 10);
    expect([1, 10, 11, 21].map(decay)).toEqual([1, 1, 0.5, 0.25]);
    const cosine = warmupCosine(1, 10, 110);
    expect(cosine(5)).toBeCloseTo(0.5, 9);
    expect(cosine(10)).toBeCloseTo(1, 9);
    expect(cosine(60)).toBeCloseTo(0.55, 9);
    expect(cosine(110)).toBeCloseTo(0.1, 9);
  });

  it('runs one optimizer step per batch at the schedule’s rate and fits a line', () => {
    const w = new Parameter('w', [1, 1], Float32Array.from([0]));
    const points = Array.from({ length: 300 }, (_, i) => ({ x: (i % 10) / 10, y: 3 * ((i % 10) / 10) }));
    const rates: number[] = [];
    const steps = fit({
      batches: points,
      optimizer: new Adam([w]),
      learningRate: () => 0.05,
      lossAndGradients: ({ x, y }) => {
        const err = w.value[0] * x - y;
        w.grad[0] += 2 * err * x;
        return err * err;
      },
      onStep: (_step, _loss, lr) => rates.push(lr),
    });
    expect(steps).toBe(300);
    expect(rates.every((r) => r === 0.05)).toBe(true);
    expect(w.value[0]).toBeCloseTo(3, 1);
  });
});
