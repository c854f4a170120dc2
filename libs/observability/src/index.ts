// The public API: what other projects use. Everything else stays inside.
export { routeConsoleToLogger } from './lib/console-capture';
export { type Logger, createLogger } from './lib/logger';
export { LATENCY_BUCKETS_SECONDS, createMetricsRegistry } from './lib/metrics-registry';
export { RepeatSuppressor } from './lib/repeat-suppressor';
