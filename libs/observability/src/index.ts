export * from './lib/logger';
export * from './lib/metrics-registry';
export * from './lib/repeat-suppressor';
export * from './lib/console-capture';
