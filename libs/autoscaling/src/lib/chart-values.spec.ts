import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { coalesceValues, cpuCores, durationSeconds, readChartScaling, readModelScaling } from './chart-values';

const CHART = join(__dirname, '..', '..', '..', '..', 'charts', 'autoscaled-inference');
const subchartDefaults = parse(readFileSync(join(CHART, 'charts', 'inference', 'values.yaml'), 'utf8')).defaults;
const dir = mkdtempSync(join(tmpdir(), 'chart-values-'));
const overlay = (name: string, yaml: string) => {
  const file = join(dir, name);
  writeFileSync(file, yaml);
  return file;
};

describe('readChartScaling: the policy comes from the chart, not from code', () => {
  it("every model gets the subchart's defaults, with its own entry merged over them", () => {
    const [digits, lm] = readChartScaling(CHART);
    const a = subchartDefaults.autoscaling;
    expect(digits).toMatchObject({
      model: 'digits-cnn',
      version: '2',
      cpuRequestCores: cpuCores(subchartDefaults.resources.requests.cpu),
      backlogStates: a.backlog.states,
    });
    expect(digits.policy).toEqual({
      minReplicaCount: a.minReplicaCount,
      maxReplicaCount: a.maxReplicaCount,
      pollingInterval: a.pollingInterval,
      cooldownPeriod: a.cooldownPeriod,
      triggers: [
        { name: 'cpu', type: 'Utilization', target: a.cpu.utilization },
        { name: 'backlog', type: 'AverageValue', target: a.backlog.targetPerReplica, activationThreshold: a.backlog.activationThreshold },
      ],
      behavior: a.behavior,
    });
    expect(digits.shutdown).toEqual(subchartDefaults.shutdown);
    // tiny-lm's entry overrides a few keys deep inside autoscaling and keeps the rest.
    expect(lm.policy).toMatchObject({ maxReplicaCount: 3, minReplicaCount: a.minReplicaCount, behavior: a.behavior });
    expect(lm.policy?.triggers[1]).toMatchObject({ name: 'backlog', target: 4 });
    expect(lm).toMatchObject({ cpuRequestCores: 1, env: { ORT_INTRA_OP_THREADS: '2', MAX_TOTAL_TOKENS: '256' } });
  });

  it('overlays apply like helm -f, in order: maps merge, lists replace, null deletes', () => {
    const zero = overlay(
      'zero.yaml',
      'global:\n  models:\n    - name: digits-cnn\n      autoscaling:\n        minReplicaCount: 0\n        cooldownPeriod: 30\n',
    );
    const latency = overlay(
      'latency.yaml',
      'inference:\n  defaults:\n    autoscaling:\n      latency: {enabled: true, targetSeconds: 1}\n      cpu: {enabled: false}\n',
    );
    const models = readChartScaling(CHART, [zero, latency]);
    expect(models.map((m) => m.model)).toEqual(['digits-cnn']);
    expect(models[0].version).toBeUndefined();
    expect(models[0].policy).toMatchObject({ minReplicaCount: 0, cooldownPeriod: 30 });
    expect(models[0].policy?.triggers.map((t) => [t.name, t.type, t.target])).toEqual([
      ['backlog', 'AverageValue', subchartDefaults.autoscaling.backlog.targetPerReplica],
      ['latency', 'Value', 1],
    ]);
    expect(models[0].latency).toEqual({
      quantile: subchartDefaults.autoscaling.latency.quantile,
      windowSeconds: durationSeconds(subchartDefaults.autoscaling.latency.window),
    });
    expect(coalesceValues({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
  });

  it('autoscaling off, or no KEDA, gives fixed replicas or a CPU-only HPA', () => {
    const off = overlay('off.yaml', 'inference:\n  defaults:\n    replicas: 2\n    autoscaling: {enabled: false}\n');
    expect(readChartScaling(CHART, [off])[0]).toMatchObject({ fixedReplicas: 2 });
    expect(readChartScaling(CHART, [off])[0].policy).toBeUndefined();
    const hpa = readChartScaling(CHART, [join(CHART, 'ci', 'hpa-mode-values.yaml')])[0].policy;
    expect(hpa?.triggers).toEqual([{ name: 'cpu', type: 'Utilization', target: subchartDefaults.autoscaling.cpu.utilization }]);
  });

  it('the redis list trigger sees only waiting jobs', () => {
    const [model] = readChartScaling(CHART, [join(CHART, 'ci', 'redis-trigger-values.yaml')]);
    expect(model.backlogStates).toBe('waiting');
    expect(model.policy?.triggers.find((t) => t.name === 'backlog')).toMatchObject({ type: 'AverageValue' });
  });

  it('a value of the wrong kind is refused naming the key', () => {
    const bad = overlay('bad.yaml', 'inference:\n  defaults:\n    autoscaling: {maxReplicaCount: many}\n');
    expect(() => readChartScaling(CHART, [bad])).toThrow(/autoscaling\.maxReplicaCount: expected a number/);
  });

  it('a model the values do not list gets the defaults', () => {
    const other = readModelScaling(CHART, 'my-classifier');
    expect(other.model).toBe('my-classifier');
    expect(other.policy?.maxReplicaCount).toBe(subchartDefaults.autoscaling.maxReplicaCount);
    expect(readModelScaling(CHART, 'tiny-lm').policy?.maxReplicaCount).toBe(3);
  });

  it('parses Kubernetes CPU quantities and Prometheus durations', () => {
    expect([cpuCores('500m'), cpuCores('2'), cpuCores(1.5)]).toEqual([0.5, 2, 1.5]);
    expect([durationSeconds('1m'), durationSeconds('30s'), durationSeconds('1h')]).toEqual([60, 30, 3600]);
    expect(() => cpuCores('lots')).toThrow(/CPU quantity/);
  });
});
