import type { LoadRunResult } from '@ai/workload';

/** One sample of the system under test, taken about once per second during the run. */
export interface SystemSample {
  /** Seconds since the run's start. */
  t: number;
  /** Jobs waiting in the dispatcher's queues (dispatcher_queue_depth, waiting + prioritized + delayed). */
  queueDepth?: number;
  /** Jobs being processed (dispatcher_queue_depth{state="active"}). */
  active?: number;
  /** Ready replicas per deployment, when Prometheus is known. */
  replicas?: Record<string, number>;
  /** CPU cores used per deployment, when Prometheus is known. */
  cpu?: Record<string, number>;
  /** The embedded stack's inference replicas: asked for (desired), starting, ready and draining. */
  scaling?: { desired: number; starting: number; ready: number; stopping: number };
}

/** One change of the replica count by the local scaler, with the trigger that caused it. */
export interface ScaleEventRecord {
  /** Seconds since the run's start (negative: before it). */
  t: number;
  from: number;
  to: number;
  /** The trigger that asked for most replicas, `activation (<trigger>)` or `cooldown`. */
  reason: string;
  values: Record<string, number | undefined>;
}

/** What the embedded stack's scaler did and with which policy. */
export interface ScalingRecord {
  /** How the count was set, e.g. "chart autoscaling 1..5 on cpu, backlog every 15 s" or "2 fixed replicas". */
  policy: string;
  autoscaling: boolean;
  events: ScaleEventRecord[];
  /** Every poll of the run: the metrics' proposal and the decision, with the triggers' values (why it did or did not scale). */
  polls?: { t: number; current: number; proposal?: number; replicas: number; reason: string; values: Record<string, number | undefined>; error?: string }[];
}

/** What the run was: shown in the report's header and kept in summary.json. */
export interface RunDescription {
  target: string;
  model: string;
  workloadFile: string;
  arrivals: 'uniform' | 'poisson';
  collect: 'callback' | 'poll' | 'sync' | string;
  timeoutMs: number;
  startedAt: Date;
  /** True when the tester started the stack itself (redis-server, inference, dispatcher). */
  embedded?: boolean;
  /** SIMULATED_DEVICE_MS was on: batches were held by a timer, not computed on an accelerator. */
  simulatedDevice?: { perBatchMs: number; perItemMs: number };
}

/** The service-level objective a run is checked against; either part may be absent. */
export interface SloSpec {
  /** End-to-end latency p99 limit, seconds. */
  p99Seconds?: number;
  /** Largest acceptable share of sent requests that failed or timed out (0–1). */
  maxErrorRate?: number;
}

export interface ReportInput {
  run: LoadRunResult;
  description: RunDescription;
  samples: SystemSample[];
  slo: SloSpec;
  scaling?: ScalingRecord;
}
