export * from './lib/report-input';
export * from './lib/run-summary';
export { scalingSummary, secondsToSlo, SLO_HOLD_SECONDS, spikeSecond, type ScalingSummary } from './lib/scaling-summary';
export * from './lib/request-csv-writer';
export * from './lib/chart-specs';
export * from './lib/chart-renderer';
export * from './lib/html-report';
export * from './lib/write-report';
