import type { Logger } from '@ai/observability';
import type { CallbackAllowlist, JobWaiter, ModelQueues, QueueMonitor } from '@ai/queue';
import type { DispatcherConfig } from './config';
import type { DispatcherMetrics } from './metrics';
import type { RedisLink } from './redis-link';

/** What the API routes work with. */
export interface ApiContext {
  config: DispatcherConfig;
  logger: Logger;
  metrics: DispatcherMetrics;
  queues: ModelQueues;
  monitor: QueueMonitor;
  waiter: JobWaiter;
  allowlist: CallbackAllowlist;
  /** Where Redis stands, and the 503 to answer while it is unreachable. */
  redis: RedisLink;
}
