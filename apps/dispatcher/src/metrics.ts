import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from '@ai/observability';
import { QUEUE_DEPTH_STATES, readQueueDepth, type ModelQueues, type QueueMonitor, type RedisAvailability } from '@ai/queue';

export type DispatcherMetrics = ReturnType<typeof createDispatcherMetrics>;

/**
 * The dispatcher's metrics (names shared with dashboards and autoscaling). Queue depth and drain rate are
 * read from Redis at scrape time, so they describe the whole queue, not this replica; while Redis is unreachable
 * they keep their last values and `dispatcher_redis_up` is 0.
 */
export function createDispatcherMetrics(registry: Registry, source: { redis: RedisAvailability; queues?: ModelQueues; monitor?: QueueMonitor }) {
  const registers = [registry];
  const redis = source.redis;
  new Gauge({
    name: 'dispatcher_redis_up',
    help: '1 while this process reaches Redis, 0 while it is unreachable (it keeps serving probes, metrics and 503s, and reconnects by itself).',
    registers,
    collect() {
      this.set(redis.up ? 1 : 0);
    },
  });
  const { queues, monitor } = source;
  if (queues && monitor) {
    new Gauge({
      name: 'dispatcher_queue_depth',
      help: 'Jobs per model and state, read from Redis at scrape time. Backlog = waiting + prioritized + active.',
      labelNames: ['model', 'state'] as const,
      registers,
      async collect() {
        // A command on a connection that has not connected yet waits for it: do not hold the scrape.
        if (!redis.up) return;
        await Promise.all(
          queues.models.map(async (model) => {
            try {
              const depth = await readQueueDepth(queues.queue(model));
              for (const state of QUEUE_DEPTH_STATES) this.set({ model, state }, depth[state]);
            } catch {
              // Redis unreachable: keep the last values; /ready reports the outage.
            }
          }),
        );
      },
    });
    new Gauge({
      name: 'dispatcher_drain_rate',
      help: 'Jobs per second that left each queue (completed or finally failed), measured over the last 10 s.',
      labelNames: ['model'] as const,
      registers,
      collect() {
        for (const model of queues.models) this.set({ model }, monitor.snapshot(model)?.drainRate ?? 0);
      },
    });
  }
  const seconds = (name: string, help: string) => new Histogram({ name, help, labelNames: ['model'] as const, buckets: LATENCY_BUCKETS_SECONDS, registers });
  return {
    jobs: new Counter({
      name: 'dispatcher_jobs_total',
      help: 'Jobs finished by this process: completed, failed (for good) or retried.',
      labelNames: ['model', 'status'] as const,
      registers,
    }),
    queueWait: seconds('dispatcher_queue_wait_seconds', 'Time from enqueue to the start of the attempt that finished the job.'),
    e2e: seconds('dispatcher_e2e_latency_seconds', 'Time from enqueue to completion.'),
    inference: seconds('dispatcher_inference_seconds', 'Duration of the inference call that succeeded.'),
    enqueued: new Counter({ name: 'dispatcher_enqueued_total', help: 'Jobs accepted by /enqueue and /infer.', labelNames: ['model'] as const, registers }),
    rejected: new Counter({
      name: 'dispatcher_rejected_total',
      help: 'Enqueue requests refused: queue_full (backpressure), deadline (admission), invalid, unavailable.',
      labelNames: ['reason'] as const,
      registers,
    }),
    callbacks: new Counter({
      name: 'dispatcher_callbacks_total',
      help: 'Callback deliveries: delivered, failed (after retries) or rejected (host not allowed).',
      labelNames: ['status'] as const,
      registers,
    }),
    stalled: new Counter({
      name: 'dispatcher_stalled_jobs_total',
      help: 'Jobs found stalled (their worker died) and put back.',
      labelNames: ['model'] as const,
      registers,
    }),
  };
}
