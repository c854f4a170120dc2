/**
 * The embedded stack's local scaler reads the chart's values itself (libs/autoscaling, no helm binary at run time).
 * Here every scenario is rendered with helm and the ScaledObjects (or HPAs) it produces are compared with what the
 * reader makes of the same values files, so the two cannot drift apart.
 */
import { readChartScaling, type TriggerPolicy } from '@ai/autoscaling';
import { CHART_DIR, type K8sObject } from '../tools/helm';
import { disposeChart, ofKind, render, scenarioFile, SCENARIOS } from './scenarios';

afterAll(() => disposeChart());

type Trigger = { type: string; metricType?: string; metadata: Record<string, string> };

/** A rendered trigger in the reader's terms: KEDA's defaults (AverageValue, activation 0) made explicit. */
function asPolicy(trigger: Trigger): Omit<TriggerPolicy, 'name'> {
  const md = trigger.metadata;
  if (trigger.type === 'cpu') return { type: 'Utilization', target: Number(md.value) };
  if (trigger.type === 'redis') return { type: 'AverageValue', target: Number(md.listLength), activationThreshold: Number(md.activationListLength ?? 0) };
  return {
    type: (trigger.metricType as TriggerPolicy['type']) ?? 'AverageValue',
    target: Number(md.threshold),
    activationThreshold: Number(md.activationThreshold ?? 0),
  };
}

const inferenceObjects = (objects: K8sObject[], kind: string) =>
  ofKind(objects, kind).filter((o) => o.metadata.labels?.['app.kubernetes.io/name'] === 'inference');

it.each(SCENARIOS)('scenario %s: the local scaler reads the policy helm renders', (scenario) => {
  const objects = render(scenario);
  const models = readChartScaling(CHART_DIR, [scenarioFile(scenario)]);
  const scaled = inferenceObjects(objects, 'ScaledObject');
  const hpas = inferenceObjects(objects, 'HorizontalPodAutoscaler');
  expect(scaled.length + hpas.length).toBeGreaterThan(0);
  expect(models.filter((m) => m.policy).length).toBe(scaled.length + hpas.length);
  for (const so of scaled) {
    const spec = so.spec as {
      minReplicaCount: number;
      maxReplicaCount: number;
      pollingInterval: number;
      cooldownPeriod: number;
      triggers: Trigger[];
      advanced: { horizontalPodAutoscalerConfig: { behavior: unknown } };
    };
    const model = models.find((m) => so.metadata.labels?.['autoscaled-inference/model'] === m.model);
    expect(model?.policy).toBeDefined();
    const policy = model!.policy!;
    expect({ min: policy.minReplicaCount, max: policy.maxReplicaCount, polling: policy.pollingInterval, cooldown: policy.cooldownPeriod }).toEqual({
      min: spec.minReplicaCount,
      max: spec.maxReplicaCount,
      polling: spec.pollingInterval,
      cooldown: spec.cooldownPeriod,
    });
    expect(policy.behavior).toEqual(spec.advanced.horizontalPodAutoscalerConfig.behavior);
    expect(policy.triggers.map(({ name: _name, ...t }) => t)).toEqual(spec.triggers.map(asPolicy));
    const prometheus = spec.triggers.find((t) => t.type === 'prometheus' && t.metadata.query.includes('dispatcher_queue_depth'));
    if (prometheus) expect(prometheus.metadata.query).toContain(`state=~"${model!.backlogStates}"`);
  }
  for (const hpa of hpas) {
    const spec = hpa.spec as {
      minReplicas: number;
      maxReplicas: number;
      behavior: unknown;
      metrics: { resource: { target: { averageUtilization: number } } }[];
    };
    const policy = models.find((m) => hpa.metadata.labels?.['autoscaled-inference/model'] === m.model)!.policy!;
    expect([policy.minReplicaCount, policy.maxReplicaCount]).toEqual([spec.minReplicas, spec.maxReplicas]);
    expect(policy.behavior).toEqual(spec.behavior);
    expect(policy.triggers).toEqual([{ name: 'cpu', type: 'Utilization', target: spec.metrics[0].resource.target.averageUtilization }]);
  }
});
