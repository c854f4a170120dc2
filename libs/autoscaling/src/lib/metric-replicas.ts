/**
 * What the HPA controller computes from one metric: the replica count that would bring the metric to its target.
 * Kubernetes documents the rule as `desired = ceil(current × currentMetricValue / desiredMetricValue)`, skipped
 * while the ratio is within the tolerance (0.1 by default, a kube-controller-manager flag).
 */

/** The HPA's default `--horizontal-pod-autoscaler-tolerance`. */
export const DEFAULT_TOLERANCE = 0.1;

/**
 * How a trigger's value relates to its target, as in an autoscaling/v2 `MetricTarget`:
 * - `AverageValue`: the value is a total (a backlog) and the target is per replica (KEDA's default for external
 *   scalers such as prometheus and redis);
 * - `Value`: the value is compared with the target as is (KEDA's `metricType: Value`, e.g. a p99 latency);
 * - `Utilization`: the value is the average utilisation of the ready replicas in percent of their request (cpu).
 */
export type TargetType = 'AverageValue' | 'Value' | 'Utilization';

export interface MetricReading {
  /** The trigger's name, reported as the reason of a scale event. */
  name: string;
  type: TargetType;
  target: number;
  value: number;
}

/**
 * Replicas for one metric at `current` replicas (current > 0: at zero the HPA is idle and KEDA decides).
 * Follows the controller's arithmetic: for AverageValue the usage ratio is value / (target × current) and the
 * proposal ceil(value / target); for Value and Utilization the proposal is ceil(ratio × current).
 */
export function replicasForMetric(current: number, reading: MetricReading, tolerance = DEFAULT_TOLERANCE): number {
  if (!(current > 0)) throw new Error(`replicasForMetric needs current > 0, got ${current}`);
  if (!(reading.target > 0)) throw new Error(`${reading.name}: target must be > 0, got ${reading.target}`);
  const ratio = reading.type === 'AverageValue' ? reading.value / (reading.target * current) : reading.value / reading.target;
  if (Math.abs(1 - ratio) <= tolerance) return current;
  return reading.type === 'AverageValue' ? Math.ceil(reading.value / reading.target) : Math.ceil(ratio * current);
}

export interface MetricsProposal {
  replicas: number;
  /** The metric that asked for the most replicas (the first of equals); undefined with no readings. */
  metric?: string;
  /** Every metric's own proposal. */
  perMetric: Record<string, number>;
}

/** The HPA with several metrics: each proposes a count and the largest wins. No readings keeps `current`. */
export function replicasForMetrics(current: number, readings: MetricReading[], tolerance = DEFAULT_TOLERANCE): MetricsProposal {
  const perMetric: Record<string, number> = {};
  let best: { replicas: number; metric?: string } = { replicas: current };
  for (const [i, reading] of readings.entries()) {
    const replicas = replicasForMetric(current, reading, tolerance);
    perMetric[reading.name] = replicas;
    if (i === 0 || replicas > best.replicas) best = { replicas, metric: reading.name };
  }
  return { ...best, perMetric };
}
