import { z } from 'zod';

export const Liveness = z
  .object({ status: z.enum(['ok', 'failed']), reason: z.string().optional().describe('Why the process can no longer serve (then the probe answers 503).') })
  .meta({ id: 'Liveness' });

export const Readiness = z
  .object({
    ready: z.boolean(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), message: z.string().optional() })),
  })
  .meta({ id: 'Readiness' });
export type Readiness = z.infer<typeof Readiness>;

/** Whether the dispatcher reaches Redis now, since when, and the last connection error. */
export const RedisReachability = z.object({
  redis: z.enum(['up', 'unreachable']),
  since: z.string().describe('ISO-8601 time Redis became reachable or unreachable (the process start when it was never reached).'),
  lastError: z.string().nullable().describe('The last connection error seen; null when there was none.'),
  retryInMs: z.number().nonnegative().optional().describe('While unreachable: milliseconds until the next connection attempt.'),
});
export type RedisReachability = z.infer<typeof RedisReachability>;

/** The dispatcher's GET /ready: the generic checks plus where Redis stands. */
export const DispatcherReadiness = Readiness.extend(RedisReachability.shape).meta({ id: 'DispatcherReadiness' });
export type DispatcherReadiness = z.infer<typeof DispatcherReadiness>;

export const GpuStatus = z.object({
  index: z.number().int(),
  name: z.string(),
  utilizationPercent: z.number(),
  memoryUsedMiB: z.number(),
  memoryTotalMiB: z.number(),
});
export type GpuStatus = z.infer<typeof GpuStatus>;

export const InferenceHealth = z
  .object({
    status: z.enum(['ok', 'loading', 'draining']),
    model: z.string(),
    version: z.string(),
    task: z.string(),
    provider: z.enum(['cuda', 'cpu']),
    uptimeSeconds: z.number().nonnegative(),
    inFlight: z.number().int().nonnegative(),
    batching: z.object({ enabled: z.boolean(), maxBatchSize: z.number().int(), maxDelayMs: z.number() }),
    gpus: z.array(GpuStatus).optional(),
    simulatedDevice: z
      .object({ perBatchMs: z.number().nonnegative(), perItemMs: z.number().nonnegative() })
      .optional()
      .describe('Present when SIMULATED_DEVICE_MS is on: every batch is held this long by a timer, not computed on an accelerator.'),
  })
  .meta({ id: 'InferenceHealth' });
export type InferenceHealth = z.infer<typeof InferenceHealth>;

export const DispatcherHealth = z
  .object({
    status: z.enum(['ok', 'draining']),
    role: z.enum(['all', 'api', 'worker']),
    uptimeSeconds: z.number().nonnegative(),
    redis: z.enum(['ready', 'connecting', 'reconnecting', 'end', 'close', 'wait', 'connect']),
    models: z.array(z.string()),
  })
  .meta({ id: 'DispatcherHealth' });
export type DispatcherHealth = z.infer<typeof DispatcherHealth>;
