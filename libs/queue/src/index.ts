// The queue's public API: what the dispatcher and the tests use. Everything else stays inside.
export { decideAdmission } from './lib/admission';
export { QUEUE_DEPTH_STATES, readQueueDepth } from './lib/backlog-reader';
export { CallbackAllowlist } from './lib/callback-allowlist';
export { CallbackNotifier } from './lib/callback-notifier';
export { InferenceClient, inputRejectedUpstream } from './lib/inference-client';
export { type InferenceJob, jobCallbackOf, jobStatusOf, jobTimings } from './lib/job-status';
export { JobWaiter } from './lib/job-waiter';
export { ModelQueues } from './lib/model-queues';
export { startModelWorker } from './lib/model-worker';
export { QUEUE_DEFAULTS } from './lib/queue-defaults';
export { QueueMonitor } from './lib/queue-monitor';
export { DEFAULT_QUEUE_PREFIX, parsePublicJobId, queueKeys } from './lib/queue-naming';
export { RedisAvailability, describeRedisError } from './lib/redis-availability';
