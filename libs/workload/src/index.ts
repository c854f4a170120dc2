// The public API: what other projects use. Everything else stays inside.
export { type ScheduledRequest } from './lib/arrival-schedule';
export { type LatencySummary } from './lib/latency-histogram';
export { runLoad } from './lib/load-run';
export { type SecondSchedule } from './lib/open-loop-scheduler';
export { type OutcomeCounts } from './lib/outcome-ledger';
export { type RequestRecord, type RequestResult } from './lib/request-result';
export { type LoadProgress, type LoadRunResult } from './lib/run-books';
export { WorkloadParseError, parseWorkload, totalRequests } from './lib/workload-parser';
