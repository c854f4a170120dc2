// The public API: what other projects use. Everything else stays inside.
export { type Logger, createLogger } from './lib/logger';
export { LATENCY_BUCKETS_SECONDS, createMetricsRegistry } from './lib/metrics-registry';
