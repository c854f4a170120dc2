export * from './lib/workload-parser';
export * from './lib/arrival-schedule';
export * from './lib/latency-histogram';
export * from './lib/latency-recorder';
export * from './lib/outcome-ledger';
export * from './lib/open-loop-scheduler';
export * from './lib/load-run';
