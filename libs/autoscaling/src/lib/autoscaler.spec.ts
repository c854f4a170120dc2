import { Autoscaler } from './autoscaler';
import type { ScalingPolicy } from './scaling-policy';

const policy = (overrides: Partial<ScalingPolicy> = {}): ScalingPolicy => ({
  minReplicaCount: 0,
  maxReplicaCount: 5,
  pollingInterval: 15,
  cooldownPeriod: 120,
  triggers: [
    { name: 'cpu', type: 'Utilization', target: 70 },
    { name: 'backlog', type: 'AverageValue', target: 10, activationThreshold: 0 },
  ],
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 30,
      selectPolicy: 'Max',
      policies: [
        { type: 'Percent', value: 100, periodSeconds: 15 },
        { type: 'Pods', value: 4, periodSeconds: 15 },
      ],
    },
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 50, periodSeconds: 30 }] },
  },
  ...overrides,
});

/** Polls every pollingInterval with the backlog given per poll; returns [replicas, reason] per poll. */
function polls(scaler: Autoscaler, start: number, backlogs: number[], cpu = 0): [number, string][] {
  let current = start;
  return backlogs.map((backlog, i) => {
    const decision = scaler.evaluate({ now: i * scaler.policy.pollingInterval, current, values: { backlog, cpu } });
    current = decision.replicas;
    return [decision.replicas, decision.reason];
  });
}

describe('Autoscaler: KEDA activation and cooldown around the HPA', () => {
  it('wakes from zero to one replica when the backlog passes the activation threshold, naming the trigger', () => {
    expect(polls(new Autoscaler(policy()), 0, [0, 1])).toEqual([
      [0, 'idle'],
      [1, 'activation (backlog)'],
    ]);
  });

  it('a backlog at the activation threshold is not active', () => {
    const scaler = new Autoscaler(policy({ triggers: [{ name: 'backlog', type: 'AverageValue', target: 10, activationThreshold: 5 }] }));
    expect(polls(scaler, 0, [5, 6]).map(([n]) => n)).toEqual([0, 1]);
  });

  it('cpu never wakes a model at zero (KEDA cannot scale from zero on CPU)', () => {
    expect(polls(new Autoscaler(policy()), 0, [0, 0], 500).map(([n]) => n)).toEqual([0, 0]);
  });

  it('goes to zero only once no trigger was active for longer than cooldownPeriod', () => {
    // Active at 0 s, idle from 15 s: 120 s of cooldown end after 120 s, so the poll at 135 s scales to zero.
    const result = polls(new Autoscaler(policy()), 1, [3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(result.map(([n]) => n)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(result[9][1]).toBe('cooldown');
  });

  it('any activity restarts the cooldown', () => {
    const result = polls(new Autoscaler(policy()), 1, [3, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(result.findIndex(([n]) => n === 0)).toBe(15);
  });

  it('with minReplicaCount above zero it never scales to zero, whatever the cooldown', () => {
    const result = polls(new Autoscaler(policy({ minReplicaCount: 1 })), 1, Array(20).fill(0));
    expect(result.every(([n]) => n === 1)).toBe(true);
  });

  it('above zero the HPA scales on the backlog with the behaviour: 1 → 5 after the up window, then back down', () => {
    // Polls every 15 s. The backlog appears at 15 s; the low proposal of 0 s leaves the 30 s up window at 30 s, and
    // Percent 100 / Pods 4 allow 1 → 5 at once. The last high proposal (90 s) leaves the 60 s down window at 150 s;
    // Percent 50 per 30 s then gives 5 → 2, and 2 → 1 at 180 s.
    const backlog = [0, 400, 400, 400, 400, 300, 100, 0, 0, 0, 0, 0, 0, 0, 0];
    const result = polls(new Autoscaler(policy({ minReplicaCount: 1 })), 1, backlog);
    expect(result.map(([n]) => n)).toEqual([1, 1, 5, 5, 5, 5, 5, 5, 5, 5, 2, 2, 1, 1, 1]);
    expect(result[2][1]).toBe('backlog');
  });

  it('several triggers: the one asking for most replicas is the reason', () => {
    const scaler = new Autoscaler(policy({ minReplicaCount: 1, behavior: { scaleUp: { stabilizationWindowSeconds: 0 } } }));
    expect(scaler.evaluate({ now: 0, current: 2, values: { backlog: 5, cpu: 140 } })).toMatchObject({ replicas: 4, reason: 'cpu', proposal: 4 });
  });

  it('a trigger without a value is left out to scale up, but blocks a scale-down, as the HPA does with a metric it cannot read', () => {
    const scaler = new Autoscaler(
      policy({ minReplicaCount: 1, behavior: { scaleUp: { stabilizationWindowSeconds: 0 }, scaleDown: { stabilizationWindowSeconds: 0 } } }),
    );
    expect(scaler.evaluate({ now: 0, current: 1, values: { backlog: 30 } })).toMatchObject({ replicas: 3, reason: 'backlog' });
    expect(scaler.evaluate({ now: 15, current: 3, values: { cpu: 5 } })).toMatchObject({ replicas: 3, reason: 'metrics unavailable', proposal: 1 });
    expect(scaler.evaluate({ now: 30, current: 3, values: {} })).toMatchObject({ replicas: 3, reason: 'metrics unavailable' });
    expect(scaler.evaluate({ now: 45, current: 3, values: { cpu: 5, backlog: 0 } })).toMatchObject({ replicas: 1, reason: 'cpu' });
  });

  it('refuses bounds and triggers KEDA would refuse', () => {
    expect(() => new Autoscaler(policy({ minReplicaCount: 3, maxReplicaCount: 2 }))).toThrow(/bounds/);
    expect(() => new Autoscaler(policy({ triggers: [{ name: 'cpu', type: 'Utilization', target: 70 }] }))).toThrow(/minReplicaCount 0/);
  });
});
