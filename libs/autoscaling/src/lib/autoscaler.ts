import { HpaBehaviorState, type LimitReason } from './hpa-behavior';
import { DEFAULT_TOLERANCE, replicasForMetrics, type MetricReading } from './metric-replicas';
import type { ScalingPolicy } from './scaling-policy';

export interface EvaluateInput {
  /** Seconds, from any clock that only moves forward. */
  now: number;
  /** Replicas asked for so far (the Deployment's spec.replicas), not only those ready. */
  current: number;
  /** Each trigger's value by name; a trigger without a value (no ready replica to measure, scrape failed) is skipped. */
  values: Record<string, number | undefined>;
}

export interface ScaleDecision {
  replicas: number;
  /** What decided it: `activation` (KEDA woke it), `cooldown` (KEDA put it to sleep), or the trigger that asked for most. */
  reason: string;
  /** Whether any trigger is above its activation threshold. */
  active: boolean;
  /** The metrics' proposal before the behaviour (undefined when KEDA decided alone). */
  proposal?: number;
  limitedBy?: LimitReason;
}

/**
 * One ScaledObject: KEDA's activation between 0 and 1 replicas, and above that the HPA KEDA creates (metrics,
 * tolerance, behaviour). Every `evaluate` is one poll; its result is taken as applied (spec.replicas changes at
 * once, readiness follows), which is what the behaviour's rate policies count.
 */
export class Autoscaler {
  private readonly hpa: HpaBehaviorState;
  private lastActive: number | undefined;

  constructor(
    readonly policy: ScalingPolicy,
    private readonly tolerance = DEFAULT_TOLERANCE,
  ) {
    if (policy.minReplicaCount < 0 || policy.maxReplicaCount < Math.max(1, policy.minReplicaCount)) {
      throw new Error(`replica bounds ${policy.minReplicaCount}..${policy.maxReplicaCount} are not valid`);
    }
    if (policy.minReplicaCount === 0 && !policy.triggers.some((t) => t.activationThreshold !== undefined)) {
      throw new Error('minReplicaCount 0 needs a trigger that can activate (not cpu or memory)');
    }
    this.hpa = new HpaBehaviorState(policy.behavior);
  }

  evaluate({ now, current, values }: EvaluateInput): ScaleDecision {
    const { minReplicaCount: min, maxReplicaCount: max, cooldownPeriod } = this.policy;
    const activeTrigger = this.policy.triggers.find((t) => t.activationThreshold !== undefined && (values[t.name] ?? 0) > t.activationThreshold);
    const active = activeTrigger !== undefined;
    // KEDA counts the cooldown from the last active poll, or from when it first saw the object.
    if (active || this.lastActive === undefined) this.lastActive = now;

    if (current === 0) {
      return active ? { replicas: Math.max(1, min), reason: `activation (${activeTrigger.name})`, active } : { replicas: 0, reason: 'idle', active };
    }
    if (min === 0 && !active && now - this.lastActive > cooldownPeriod) {
      return { replicas: 0, reason: 'cooldown', active };
    }
    const readings: MetricReading[] = this.policy.triggers.flatMap((t) => {
      const value = values[t.name];
      return value === undefined || Number.isNaN(value) ? [] : [{ name: t.name, type: t.type, target: t.target, value }];
    });
    const proposal = replicasForMetrics(current, readings, this.tolerance);
    // The controller acts on partial metrics only to scale up: with every metric missing, or some missing and the
    // rest proposing fewer replicas, it changes nothing (and records no recommendation).
    const missing = this.policy.triggers.length - readings.length;
    if (missing === this.policy.triggers.length || (missing > 0 && proposal.replicas < current)) {
      return { replicas: current, reason: 'metrics unavailable', active, proposal: proposal.replicas };
    }
    const normalized = this.hpa.normalize({ now, current, desired: proposal.replicas, min: Math.max(1, min), max });
    this.hpa.recordScale(now, current, normalized.replicas);
    return {
      replicas: normalized.replicas,
      reason: proposal.metric ?? 'no metrics',
      active,
      proposal: proposal.replicas,
      ...(normalized.limitedBy && { limitedBy: normalized.limitedBy }),
    };
  }
}
