export * from './lib/logger';
export * from './lib/loki-transport';
export * from './lib/metrics-registry';
