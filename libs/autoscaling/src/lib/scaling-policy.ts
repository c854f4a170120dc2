import type { HpaBehavior } from './hpa-behavior';
import type { TargetType } from './metric-replicas';

/** One trigger of a KEDA ScaledObject, reduced to what the arithmetic needs. */
export interface TriggerPolicy {
  /** `cpu`, `backlog`, `latency` or `gpu`: named after the chart's values keys, and reported with every scale event. */
  name: string;
  type: TargetType;
  /** Target per replica (AverageValue), value (Value) or utilisation in percent (Utilization). */
  target: number;
  /**
   * KEDA's activation: the trigger is active while its value is above this. Undefined for cpu and memory, which
   * never activate (KEDA cannot wake a Deployment from zero on them).
   */
  activationThreshold?: number;
}

/** Everything that decides one model's replica count: the chart's `autoscaling` block for it, after the merge. */
export interface ScalingPolicy {
  minReplicaCount: number;
  maxReplicaCount: number;
  /** Seconds between evaluations. */
  pollingInterval: number;
  /** Seconds without an active trigger before scaling to zero (minReplicaCount 0 only). */
  cooldownPeriod: number;
  triggers: TriggerPolicy[];
  behavior: HpaBehavior;
}
