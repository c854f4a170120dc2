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
}
