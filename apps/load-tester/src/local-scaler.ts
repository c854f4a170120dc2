import { performance } from 'node:perf_hooks';
import { Autoscaler, type ModelScaling } from '@ai/autoscaling';
import type { PoolCounts, ReplicaPool } from '@ai/local-stack';
import { TriggerMetrics } from './trigger-metrics';

/** One change of the replica count, with what caused it. */
export interface ScaleEvent {
  /** performance.now() of the decision, ms. */
  at: number;
  from: number;
  to: number;
  /** The trigger that asked for most replicas, `activation` or `cooldown`. */
  reason: string;
  /** Every trigger's value at the decision. */
  values: Record<string, number | undefined>;
}

/** Every poll: what the triggers read, what the metrics proposed and what was decided. */
export interface PollRecord {
  /** performance.now() of the (scheduled) poll, ms. */
  at: number;
  current: number;
  /** The metrics' proposal before the behaviour; undefined when KEDA decided alone (activation, cooldown, idle). */
  proposal?: number;
  replicas: number;
  reason: string;
  values: Record<string, number | undefined>;
  /** Why a trigger could not be read, when one could not. */
  error?: string;
}

/** The pool once a second. */
export interface ReplicaSample extends PoolCounts {
  /** performance.now(), ms. */
  at: number;
}

export interface LocalScalerOptions {
  model: string;
  scaling: ModelScaling;
  pool: ReplicaPool;
  dispatcherUrl: string;
  /** A fixed count instead of the chart's policy (`--replicas N`). */
  fixedReplicas?: number;
  /** Told about every scale event. */
  onEvent?(event: ScaleEvent): void;
  /** Told about every poll. */
  onPoll?(poll: PollRecord): void;
}

/**
 * The chart's autoscaling run on this machine: every `pollingInterval` the model's triggers are measured as the
 * cluster measures them, the pure Autoscaler (KEDA + HPA arithmetic) decides, and the replica pool starts or drains
 * real inference processes. Not a second orchestrator: processes, readiness and draining are the pool's.
 */
export class LocalScaler {
  readonly events: ScaleEvent[] = [];
  readonly samples: ReplicaSample[] = [];
  readonly polls: PollRecord[] = [];
  private readonly autoscaler?: Autoscaler;
  private readonly metrics: TriggerMetrics;
  private pollTimer?: NodeJS.Timeout;
  private sampleTimer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private current = 0;
  private stopped = false;

  constructor(private readonly options: LocalScalerOptions) {
    const policy = options.fixedReplicas === undefined ? options.scaling.policy : undefined;
    if (policy) this.autoscaler = new Autoscaler(policy);
    this.metrics = new TriggerMetrics({
      model: options.model,
      scaling: options.scaling,
      dispatcherUrl: options.dispatcherUrl,
      replicas: () => options.pool.ready().map((s) => s.url),
    });
  }

  /** Whether the chart's policy drives the count (false: a fixed count). */
  get autoscaling(): boolean {
    return this.autoscaler !== undefined;
  }

  /** The count the run starts with: the fixed count, or the policy's minimum but at least one, so runs start warm. */
  get initialReplicas(): number {
    return this.options.fixedReplicas ?? Math.max(1, this.autoscaler?.policy.minReplicaCount ?? this.options.scaling.fixedReplicas);
  }

  counts(): PoolCounts {
    return this.options.pool.counts();
  }

  /** Scales the pool to the initial count and samples it every second; `startPolling` starts the loop. */
  start(): void {
    this.current = this.initialReplicas;
    this.options.pool.scaleTo(this.current);
    this.sample();
    this.sampleTimer = setInterval(() => this.sample(), 1_000);
  }

  /**
   * When autoscaling: takes a first reading (CPU utilisation needs two), polls a second later and then every
   * pollingInterval. Call it once the first replica is ready: that first poll stands for an HPA that was already
   * running, recording the idle recommendation its up window then holds, as a cluster's would.
   */
  async startPolling(): Promise<void> {
    if (!this.autoscaler || this.stopped) return;
    await this.metrics.read(performance.now() / 1000);
    this.schedule(performance.now() + 1_000, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearInterval(this.sampleTimer);
    await this.polling;
  }

  /**
   * Poll `tick` runs at origin + tick × pollingInterval and evaluates at that scheduled time, not at the moment the
   * timer fired, so a recommendation exactly one window old is left out of the window every time (the controller's
   * `After(cutoff)`), whatever the timer's jitter.
   */
  private schedule(origin: number, tick: number): void {
    const at = origin + tick * (this.autoscaler?.policy.pollingInterval ?? 0) * 1_000;
    this.pollTimer = setTimeout(
      () => {
        if (this.stopped) return;
        this.polling ??= this.poll(at).finally(() => (this.polling = undefined));
        this.schedule(origin, tick + 1);
      },
      Math.max(0, at - performance.now()),
    );
  }

  /** One evaluation, as of `at` (performance.now() ms; default now). */
  async poll(at = performance.now()): Promise<void> {
    if (!this.autoscaler) return;
    const now = at;
    const values = await this.metrics.read(now / 1000);
    const decision = this.autoscaler.evaluate({ now: now / 1000, current: this.current, values });
    const record: PollRecord = {
      at: now,
      current: this.current,
      ...(decision.proposal !== undefined && { proposal: decision.proposal }),
      replicas: decision.replicas,
      reason: decision.reason,
      values,
      ...(this.metrics.lastError && { error: this.metrics.lastError }),
    };
    this.polls.push(record);
    if (this.polls.length > 10_000) this.polls.splice(0, this.polls.length - 10_000);
    this.options.onPoll?.(record);
    if (decision.replicas !== this.current) this.apply(now, decision.replicas, decision.reason, values);
  }

  /** Sets the count by hand (a fixed-count run, or a test removing replicas under load); recorded as an event. */
  setReplicas(n: number, reason = 'manual'): void {
    if (n !== this.current) this.apply(performance.now(), n, reason, {});
  }

  private apply(at: number, to: number, reason: string, values: Record<string, number | undefined>): void {
    const event: ScaleEvent = { at, from: this.current, to, reason, values };
    this.events.push(event);
    this.current = to;
    this.options.pool.scaleTo(to);
    this.sample();
    this.options.onEvent?.(event);
  }

  private sample(): void {
    this.samples.push({ at: performance.now(), ...this.options.pool.counts() });
  }
}
