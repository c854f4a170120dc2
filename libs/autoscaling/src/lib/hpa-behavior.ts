/**
 * The `behavior` of an autoscaling/v2 HorizontalPodAutoscaler: stabilisation windows over past recommendations,
 * then rate policies per period. The same steps, in the same order, as the HPA controller's
 * normalizeDesiredReplicasWithBehaviors (stabilise, then limit the rate, then clamp to min and max).
 */

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  /** Seconds of past recommendations considered; Kubernetes' defaults are 0 up and 300 down. */
  stabilizationWindowSeconds?: number;
  /** Max (default): the policy allowing the biggest change; Min: the smallest; Disabled: no scaling this way. */
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: ScalingPolicy[];
}

export interface HpaBehavior {
  scaleUp?: ScalingRules;
  scaleDown?: ScalingRules;
}

/** Kubernetes' defaults for a direction the HPA's `behavior` leaves out. */
export const DEFAULT_SCALE_UP: Required<ScalingRules> = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Percent', value: 100, periodSeconds: 15 },
    { type: 'Pods', value: 4, periodSeconds: 15 },
  ],
};
export const DEFAULT_SCALE_DOWN: Required<ScalingRules> = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

function withDefaults(rules: ScalingRules | undefined, defaults: Required<ScalingRules>): Required<ScalingRules> {
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies?.length ? rules.policies : defaults.policies,
  };
}

export interface NormalizeInput {
  /** Seconds (any clock, as long as it only moves forward). */
  now: number;
  current: number;
  /** The metrics' proposal (largest across metrics), before stabilisation. */
  desired: number;
  min: number;
  max: number;
}

export type LimitReason = 'ScaleUpStabilized' | 'ScaleDownStabilized' | 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas';

export interface Normalized {
  replicas: number;
  /** Why `replicas` differs from the proposal, when it does (the HPA's condition reasons). */
  limitedBy?: LimitReason;
}

interface Recommendation {
  at: number;
  replicas: number;
}
interface ScaleEvent {
  at: number;
  change: number;
}

/**
 * The state one HPA keeps between its evaluations: the recommendations of the windows and the scale events of the
 * policy periods. Pure: time comes in as `now`, nothing is read or started here.
 */
export class HpaBehaviorState {
  private readonly up: Required<ScalingRules>;
  private readonly down: Required<ScalingRules>;
  private recommendations: Recommendation[] | undefined;
  private upEvents: ScaleEvent[] = [];
  private downEvents: ScaleEvent[] = [];

  constructor(behavior: HpaBehavior = {}) {
    this.up = withDefaults(behavior.scaleUp, DEFAULT_SCALE_UP);
    this.down = withDefaults(behavior.scaleDown, DEFAULT_SCALE_DOWN);
    for (const policy of [...this.up.policies, ...this.down.policies]) {
      if (!(policy.value > 0) || !(policy.periodSeconds > 0)) throw new Error(`scaling policy ${JSON.stringify(policy)}: value and periodSeconds must be > 0`);
    }
  }

  /** Stabilises `desired` over the windows, limits the change by the policies, and clamps it to [min, max]. */
  normalize(input: NormalizeInput): Normalized {
    // The controller seeds a new HPA's history with the current count, so a restart never scales down at once.
    this.recommendations ??= this.down.stabilizationWindowSeconds > 0 ? [{ at: input.now, replicas: input.current }] : [];
    const stabilized = this.stabilize(input);
    const limited = this.limitRate({ ...input, desired: stabilized });
    const limitedBy =
      limited.limitedBy ?? (stabilized !== input.desired ? (stabilized > input.desired ? 'ScaleDownStabilized' : 'ScaleUpStabilized') : undefined);
    return { replicas: limited.replicas, ...(limitedBy && { limitedBy }) };
  }

  /** Records that the target went from `from` to `to` replicas at `now`, for the policies' periods. */
  recordScale(now: number, from: number, to: number): void {
    if (to === from) return;
    const longest = (rules: Required<ScalingRules>) => Math.max(...rules.policies.map((p) => p.periodSeconds));
    if (to > from) this.upEvents = [...this.upEvents.filter((e) => e.at > now - longest(this.up)), { at: now, change: to - from }];
    else this.downEvents = [...this.downEvents.filter((e) => e.at > now - longest(this.down)), { at: now, change: from - to }];
  }

  /**
   * Scale-up takes the smallest recommendation of the up window, scale-down the largest of the down window; the
   * result moves from `current` only as far as both allow. The unstabilised proposal is then remembered.
   */
  private stabilize({ now, current, desired }: NormalizeInput): number {
    const upCutoff = now - this.up.stabilizationWindowSeconds;
    const downCutoff = now - this.down.stabilizationWindowSeconds;
    let upRecommendation = desired;
    let downRecommendation = desired;
    for (const rec of this.recommendations ?? []) {
      if (rec.at > upCutoff) upRecommendation = Math.min(upRecommendation, rec.replicas);
      if (rec.at > downCutoff) downRecommendation = Math.max(downRecommendation, rec.replicas);
    }
    const keepFrom = Math.min(upCutoff, downCutoff);
    this.recommendations = [...(this.recommendations ?? []).filter((rec) => rec.at >= keepFrom), { at: now, replicas: desired }];
    let recommendation = current;
    if (recommendation < upRecommendation) recommendation = upRecommendation;
    if (recommendation > downRecommendation) recommendation = downRecommendation;
    return recommendation;
  }

  private limitRate({ now, current, desired, min, max }: NormalizeInput): Normalized {
    if (desired > current) {
      const limit = Math.max(current, this.scaleUpLimit(now, current));
      const allowed = Math.min(max, limit);
      if (desired > allowed) return { replicas: allowed, limitedBy: max > limit ? 'ScaleUpLimit' : 'TooManyReplicas' };
    } else if (desired < current) {
      const limit = Math.min(current, this.scaleDownLimit(now, current));
      const allowed = Math.max(min, limit);
      if (desired < allowed) return { replicas: allowed, limitedBy: min < limit ? 'ScaleDownLimit' : 'TooFewReplicas' };
    }
    // Within the rate, still within the bounds (a proposal equal to current may sit outside them after a change of
    // min or max; the controller clamps it the same way).
    if (desired > max) return { replicas: max, limitedBy: 'TooManyReplicas' };
    if (desired < min) return { replicas: min, limitedBy: 'TooFewReplicas' };
    return { replicas: desired };
  }

  /** Replicas at the start of each policy's period (now less what was added, plus what was removed, within it). */
  private periodStart(now: number, current: number, periodSeconds: number): number {
    const within = (events: ScaleEvent[]) => events.filter((e) => e.at > now - periodSeconds).reduce((n, e) => n + e.change, 0);
    return current - within(this.upEvents) + within(this.downEvents);
  }

  private scaleUpLimit(now: number, current: number): number {
    if (this.up.selectPolicy === 'Disabled') return current;
    const proposals = this.up.policies.map((policy) => {
      const start = this.periodStart(now, current, policy.periodSeconds);
      // Rounded up, or a Percent policy could never add the first replica.
      return policy.type === 'Pods' ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    });
    return this.up.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
  }

  private scaleDownLimit(now: number, current: number): number {
    if (this.down.selectPolicy === 'Disabled') return current;
    const proposals = this.down.policies.map((policy) => {
      const start = this.periodStart(now, current, policy.periodSeconds);
      return policy.type === 'Pods' ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    });
    // Scaling down, the biggest change is the smallest count.
    return this.down.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
  }
}
