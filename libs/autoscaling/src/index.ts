// The public API: what other projects use. Everything else stays inside.
export { Autoscaler } from './lib/autoscaler';
export { type ModelScaling, readChartScaling, readModelScaling } from './lib/chart-values';
export { type TriggerPolicy } from './lib/scaling-policy';
