export { DEFAULT_TOLERANCE, replicasForMetric, replicasForMetrics, type MetricReading, type MetricsProposal, type TargetType } from './lib/metric-replicas';
export { HpaBehaviorState, DEFAULT_SCALE_DOWN, DEFAULT_SCALE_UP, type HpaBehavior, type LimitReason, type ScalingPolicy as HpaScalingPolicy, type ScalingRules } from './lib/hpa-behavior';
export type { ScalingPolicy, TriggerPolicy } from './lib/scaling-policy';
export { Autoscaler, type EvaluateInput, type ScaleDecision } from './lib/autoscaler';
export { coalesceValues, cpuCores, durationSeconds, modelScalingFromValues, readChartScaling, readModelScaling, type ModelScaling } from './lib/chart-values';
