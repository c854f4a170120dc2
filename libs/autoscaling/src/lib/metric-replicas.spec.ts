import { replicasForMetric, replicasForMetrics, type MetricReading } from './metric-replicas';

const cpu = (value: number, target = 100): MetricReading => ({ name: 'cpu', type: 'Utilization', target, value });
const backlog = (value: number, target = 10): MetricReading => ({ name: 'backlog', type: 'AverageValue', target, value });
const latency = (value: number, target = 0.33): MetricReading => ({ name: 'latency', type: 'Value', target, value });

describe('replicasForMetric: desired = ceil(current × metric / target)', () => {
  // The Kubernetes HPA documentation's examples: "if the current metric value is 200m, and the desired value is 100m,
  // the number of replicas will be doubled ... If the current value is instead 50m, you'll halve the number of replicas".
  it.each([
    ['200m over a 100m target doubles', 4, cpu(200), 8],
    ['50m over a 100m target halves', 4, cpu(50), 2],
    ['a ratio of 1.09 is within the 10 % tolerance', 4, cpu(109), 4],
    ['a ratio of 0.91 is within the 10 % tolerance', 4, cpu(91), 4],
    ['a ratio of 1.11 leaves it and rounds up', 4, cpu(111), 5],
    ['a ratio of 0.89 leaves it and rounds up', 10, cpu(89), 9],
    ['AverageValue: a total of 95 at 10 per replica wants 10', 1, backlog(95), 10],
    ['AverageValue: 0 wants 0 (the bounds clamp it later)', 3, backlog(0), 0],
    ['AverageValue: 31 at 3 replicas is within tolerance of 30', 3, backlog(31), 3],
    ['AverageValue: 34 at 3 replicas is not', 3, backlog(34), 4],
    ['Value: p99 twice the target doubles', 3, latency(0.66), 6],
    ['Value: p99 at a third of the target', 3, latency(0.11), 1],
  ])('%s', (_what, current, reading, expected) => {
    expect(replicasForMetric(current, reading)).toBe(expected);
  });

  it('the tolerance is a setting of the controller', () => {
    expect(replicasForMetric(4, cpu(109), 0.05)).toBe(5);
  });

  it('refuses to compute at zero replicas, where the HPA is idle and KEDA decides', () => {
    expect(() => replicasForMetric(0, backlog(5))).toThrow(/current > 0/);
  });
});

describe('replicasForMetrics: several triggers', () => {
  it('each trigger proposes a count and the largest wins, named as the reason', () => {
    expect(replicasForMetrics(2, [cpu(40, 70), backlog(55), latency(0.2)])).toEqual({
      replicas: 6,
      metric: 'backlog',
      perMetric: { cpu: 2, backlog: 6, latency: 2 },
    });
    expect(replicasForMetrics(2, [cpu(140, 70), backlog(5)])).toMatchObject({ replicas: 4, metric: 'cpu' });
  });

  it('a scale-down happens only as far as the trigger that still wants most allows', () => {
    expect(replicasForMetrics(5, [cpu(10, 70), backlog(0), latency(0.5)])).toMatchObject({ replicas: 8, metric: 'latency' });
    expect(replicasForMetrics(5, [cpu(10, 70), backlog(0)])).toMatchObject({ replicas: 1, metric: 'cpu' });
  });

  it('without readings keeps the current count', () => {
    expect(replicasForMetrics(3, [])).toEqual({ replicas: 3, perMetric: {} });
  });
});
