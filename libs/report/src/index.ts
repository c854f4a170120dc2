// The public API: what other projects use. Everything else stays inside.
export { type RunDescription, type ScalingRecord, type SloSpec, type SystemSample } from './lib/report-input';
export { RequestCsvWriter } from './lib/request-csv-writer';
export { type RunSummary } from './lib/run-summary';
export { type WrittenReport, createReportDirectory, writeReport } from './lib/write-report';
