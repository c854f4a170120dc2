import { HpaBehaviorState, type HpaBehavior } from './hpa-behavior';

/** The chart's behaviour (charts/autoscaled-inference/charts/inference/values.yaml), written out for the tables. */
const CHART: HpaBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 30,
    selectPolicy: 'Max',
    policies: [
      { type: 'Percent', value: 100, periodSeconds: 15 },
      { type: 'Pods', value: 4, periodSeconds: 15 },
    ],
  },
  scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 30 }] },
};

/** Runs evaluations every `step` seconds with the proposals given, applying each result; returns the counts. */
function run(behavior: HpaBehavior, start: number, proposals: number[], bounds = { min: 1, max: 100 }, step = 15): number[] {
  const state = new HpaBehaviorState(behavior);
  let current = start;
  return proposals.map((desired, i) => {
    const now = i * step;
    const { replicas } = state.normalize({ now, current, desired, ...bounds });
    state.recordScale(now, current, replicas);
    current = replicas;
    return replicas;
  });
}

describe('HpaBehaviorState: stabilisation windows', () => {
  it('scale-up (30 s window) follows the smallest recommendation of the window: a need must last', () => {
    // Polls every 10 s: the low proposal at 0 s holds the count until it leaves the window at 30 s.
    expect(run(CHART, 1, [1, 5, 5, 5, 5], { min: 1, max: 5 }, 10)).toEqual([1, 1, 1, 5, 5]);
  });

  it('a brief spike inside the up window never scales up', () => {
    expect(run(CHART, 1, [1, 5, 1, 5, 1, 1], { min: 1, max: 5 }, 10)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('scale-down (60 s window) follows the largest recommendation of the window: nothing goes down for 60 s', () => {
    // Every 10 s; at 4 replicas the proposal drops to 1 after 0 s. When that 4 leaves the window (60 s), the
    // Percent 50 per 30 s policy halves the count, and halves it again 30 s later.
    const counts = run(CHART, 4, [4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], { min: 1, max: 5 }, 10);
    expect(counts).toEqual([4, 4, 4, 4, 4, 4, 2, 2, 2, 1, 1]);
  });

  it("the documentation's scale-down example: the highest recommendation of the last 300 s (Kubernetes' default)", () => {
    const state = new HpaBehaviorState({});
    state.normalize({ now: 0, current: 10, desired: 10, min: 1, max: 20 });
    expect(state.normalize({ now: 100, current: 10, desired: 6, min: 1, max: 20 }).replicas).toBe(10);
    expect(state.normalize({ now: 200, current: 10, desired: 8, min: 1, max: 20 })).toEqual({ replicas: 10, limitedBy: 'ScaleDownStabilized' });
    // 0 has left the window; 6 and 8 remain: the largest, 8.
    expect(state.normalize({ now: 301, current: 10, desired: 3, min: 1, max: 20 }).replicas).toBe(8);
  });

  it('without any window the proposal is taken at once', () => {
    const none = { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 0 } };
    // Kubernetes' default rates: down by up to 100 % per 15 s, up by the larger of 100 % and 4 pods.
    expect(run(none, 8, [2, 9])).toEqual([2, 6]);
  });
});

describe('HpaBehaviorState: rate policies', () => {
  const instant = (rules: HpaBehavior['scaleDown'], direction: 'scaleUp' | 'scaleDown'): HpaBehavior => ({
    scaleUp: { stabilizationWindowSeconds: 0, ...(direction === 'scaleUp' ? rules : {}) },
    scaleDown: { stabilizationWindowSeconds: 0, ...(direction === 'scaleDown' ? rules : {}) },
  });

  // The documentation's example: Pods 4 per 60 s and Percent 10 per 60 s. "if there are 80 replicas and the target
  // has to be scaled down to 10 replicas then during the first step 8 replicas will be reduced. In the next iteration
  // when the number of replicas is 72, 10% of the pods is 7.2 but the number is rounded up to 8 ... When the number of
  // replicas falls below 40, the first policy (Pods) is applied and 4 replicas will be reduced at a time."
  const docsDown = instant(
    {
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 60 },
        { type: 'Percent', value: 10, periodSeconds: 60 },
      ],
    },
    'scaleDown',
  );

  it('Max picks the policy allowing the biggest change: Percent above 40 replicas, Pods below', () => {
    expect(run(docsDown, 80, [10, 10, 10], { min: 1, max: 100 }, 60)).toEqual([72, 64, 57]);
    expect(run(docsDown, 30, [10, 10], { min: 1, max: 100 }, 60)).toEqual([26, 22]);
  });

  it('a policy counts every change of its period: no second step within 60 s', () => {
    expect(run(docsDown, 80, [10, 10, 10], { min: 1, max: 100 }, 30)).toEqual([72, 72, 64]);
  });

  it('Min picks the smallest change', () => {
    const min = instant(
      {
        selectPolicy: 'Min',
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 60 },
          { type: 'Percent', value: 10, periodSeconds: 60 },
        ],
      },
      'scaleDown',
    );
    expect(run(min, 80, [10], { min: 1, max: 100 }, 60)).toEqual([76]);
    expect(run(min, 30, [10], { min: 1, max: 100 }, 60)).toEqual([27]);
  });

  it('Disabled turns scaling in that direction off', () => {
    const off = instant({ selectPolicy: 'Disabled' }, 'scaleDown');
    expect(run(off, 10, [1, 1, 20])).toEqual([10, 10, 20]);
  });

  it("the chart's scale-up (Percent 100 or Pods 4 per 15 s, Max) goes 1 → 5 → 9 and 10 → 20", () => {
    const up = { ...CHART, scaleUp: { ...CHART.scaleUp, stabilizationWindowSeconds: 0 } };
    expect(run(up, 1, [50, 50, 50], { min: 1, max: 100 })).toEqual([5, 10, 20]);
    expect(run(up, 10, [50], { min: 1, max: 100 })).toEqual([20]);
    const pods = instant(
      {
        selectPolicy: 'Min',
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 15 },
          { type: 'Pods', value: 4, periodSeconds: 15 },
        ],
      },
      'scaleUp',
    );
    expect(run(pods, 1, [50, 50, 50], { min: 1, max: 100 })).toEqual([2, 4, 8]);
  });

  it('Percent scale-up rounds up so that one replica can grow', () => {
    const tenPercent = instant({ policies: [{ type: 'Percent', value: 10, periodSeconds: 15 }] }, 'scaleUp');
    expect(run(tenPercent, 1, [5, 5])).toEqual([2, 3]);
  });

  it('the bounds come last, and say so', () => {
    const state = new HpaBehaviorState(instant({}, 'scaleUp'));
    expect(state.normalize({ now: 0, current: 2, desired: 9, min: 1, max: 3 })).toEqual({ replicas: 3, limitedBy: 'TooManyReplicas' });
    expect(state.normalize({ now: 15, current: 2, desired: 0, min: 1, max: 3 })).toEqual({ replicas: 1, limitedBy: 'TooFewReplicas' });
  });

  it('refuses a policy that could never allow a change', () => {
    expect(() => new HpaBehaviorState({ scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } })).toThrow(/must be > 0/);
  });
});
