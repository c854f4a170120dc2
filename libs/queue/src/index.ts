// The queue's public API: what the dispatcher and the tests use. Everything else stays inside.
export { decideAdmission } from './lib/backlog/admission';
export { QUEUE_DEPTH_STATES, readQueueDepth } from './lib/backlog/queue-depth';
export { QueueMonitor } from './lib/backlog/queue-monitor';
export { CallbackAllowlist } from './lib/callbacks/callback-allowlist';
export { CallbackNotifier } from './lib/callbacks/callback-notifier';
export { type InferenceJob, jobTimings } from './lib/jobs/job-status';
export { JobWaiter, QueueUnavailableError } from './lib/jobs/job-waiter';
export { ModelQueues } from './lib/jobs/model-queues';
export { ModelWorker } from './lib/jobs/model-worker';
export { DEFAULT_QUEUE_PREFIX, queueKeys } from './lib/jobs/queue-naming';
export { QUEUE_DEFAULTS } from './lib/queue-defaults';
export { RedisAvailability, describeRedisError } from './lib/redis-availability';
export { InferenceClient } from './lib/upstream/inference-client';
