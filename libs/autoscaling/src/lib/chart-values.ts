import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ScalingPolicy, TriggerPolicy } from './scaling-policy';

type Values = Record<string, unknown>;

const isMap = (value: unknown): value is Values => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Helm's coalescing of values files (`-f a.yaml -f b.yaml`, and a parent chart's block over a subchart's values):
 * maps merge key by key, anything else (lists included) is replaced, and a null deletes the key.
 */
export function coalesceValues(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null) delete out[key];
    else if (isMap(value) && isMap(out[key])) out[key] = coalesceValues(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}

/** sprig's `mergeOverwrite` as the inference chart applies it (a global.models entry over inference.defaults). */
function mergeOverwrite(base: Values, over: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null || value === undefined) continue;
    out[key] = isMap(value) && isMap(out[key]) ? mergeOverwrite(out[key] as Values, value) : value;
  }
  return out;
}

/** What the embedded stack needs to run one model's replicas as the chart deploys them. */
export interface ModelScaling {
  model: string;
  /** The version folder pinned in values; undefined = the latest. */
  version?: string;
  /** The ScaledObject's (or plain HPA's) policy; undefined when the chart creates no autoscaling object. */
  policy?: ScalingPolicy;
  /** Replicas without autoscaling (`replicas`). */
  fixedReplicas: number;
  /** The backlog trigger's BullMQ states, as the Prometheus label regex the query uses. */
  backlogStates?: string;
  /** The latency trigger's quantile and rate window (seconds). */
  latency?: { quantile: number; windowSeconds: number };
  /** The CPU request in cores, which the cpu trigger's utilisation is relative to. */
  cpuRequestCores: number;
  /** The model's extra environment (`env`). */
  env: Record<string, string>;
  /** Graceful shutdown: seconds of serving with readiness false, then seconds for in-flight requests. */
  shutdown: { drainDelaySeconds: number; graceSeconds: number };
}

/** A Kubernetes CPU quantity ("500m", "1", "1.5") in cores. */
export function cpuCores(quantity: unknown): number {
  const text = String(quantity ?? '').trim();
  const cores = text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
  if (!(cores > 0)) throw new Error(`"${text}" is not a CPU quantity`);
  return cores;
}

/** A Prometheus range ("30s", "1m", "1h") in seconds. */
export function durationSeconds(text: unknown): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(text ?? '').trim());
  if (!match) throw new Error(`"${String(text)}" is not a duration such as 30s or 1m`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

const num = (value: unknown, what: string): number => {
  const n = Number(value);
  if (value === '' || value === undefined || value === null || !Number.isFinite(n)) throw new Error(`${what}: expected a number, got ${JSON.stringify(value)}`);
  return n;
};

/** The triggers the inference chart's scaledobject.yaml renders from one merged `autoscaling` block, in its order. */
function triggersOf(model: string, a: Values): { triggers: TriggerPolicy[]; backlogStates?: string; latency?: ModelScaling['latency'] } {
  const at = (key: string) => `global.models[${model}].autoscaling.${key}`;
  const triggers: TriggerPolicy[] = [];
  const cpu = (a['cpu'] ?? {}) as Values;
  if (cpu['enabled']) triggers.push({ name: 'cpu', type: 'Utilization', target: num(cpu['utilization'], at('cpu.utilization')) });
  const backlog = (a['backlog'] ?? {}) as Values;
  let backlogStates: string | undefined;
  if (backlog['type'] === 'prometheus') {
    backlogStates = String(backlog['states']);
    triggers.push({
      name: 'backlog',
      type: 'AverageValue',
      target: num(backlog['targetPerReplica'], at('backlog.targetPerReplica')),
      activationThreshold: num(backlog['activationThreshold'] ?? 0, at('backlog.activationThreshold')),
    });
  } else if (backlog['type'] === 'redis') {
    // KEDA's redis list scaler reads only bull:<model>:wait.
    backlogStates = 'waiting';
    const redis = (backlog['redis'] ?? {}) as Values;
    triggers.push({
      name: 'backlog',
      type: 'AverageValue',
      target: num(redis['listLength'], at('backlog.redis.listLength')),
      activationThreshold: num(redis['activationListLength'] ?? 0, at('backlog.redis.activationListLength')),
    });
  } else if (backlog['type'] !== 'none') {
    throw new Error(`${at('backlog.type')} must be prometheus, redis or none`);
  }
  const lat = (a['latency'] ?? {}) as Values;
  let latency: ModelScaling['latency'];
  if (lat['enabled']) {
    latency = { quantile: num(lat['quantile'], at('latency.quantile')), windowSeconds: durationSeconds(lat['window']) };
    // No activationThreshold in the chart: KEDA's default, 0.
    triggers.push({ name: 'latency', type: 'Value', target: num(lat['targetSeconds'], at('latency.targetSeconds')), activationThreshold: 0 });
  }
  const gpu = (a['gpuUtilization'] ?? {}) as Values;
  // The sum of the DCGM exporter's utilisation over the model's pods, per replica; without a GPU (as on a laptop)
  // the local scaler cannot read it and says so.
  if (gpu['enabled'])
    triggers.push({ name: 'gpu', type: 'AverageValue', target: num(gpu['targetPercent'], at('gpuUtilization.targetPercent')), activationThreshold: 0 });
  return { triggers, backlogStates, latency };
}

/**
 * Every model the chart deploys and how it scales, from the umbrella chart's values, the inference subchart's
 * values and any overlays (as `helm install -f`), merged the way Helm and the chart's templates merge them.
 */
export function modelScalingFromValues(umbrella: Values, subchart: Values, overlays: Values[] = []): ModelScaling[] {
  const values = overlays.reduce(coalesceValues, umbrella);
  const global = (values['global'] ?? {}) as Values;
  const inference = coalesceValues(subchart, (values['inference'] ?? {}) as Values);
  const defaults = (inference['defaults'] ?? {}) as Values;
  const mode = String(((global['keda'] ?? {}) as Values)['mode'] ?? 'sameRelease');
  const models = (global['models'] ?? []) as Values[];
  if (!Array.isArray(models) || models.length === 0) throw new Error('global.models lists no model');
  return models.map((entry) => {
    const m = mergeOverwrite(structuredClone(defaults), entry);
    const name = String(m['name']);
    const a = (m['autoscaling'] ?? {}) as Values;
    const resources = (m['resources'] ?? {}) as Values;
    const shutdown = (m['shutdown'] ?? {}) as Values;
    const { triggers, backlogStates, latency } = triggersOf(name, a);
    let policy: ScalingPolicy | undefined;
    const at = (key: string) => `global.models[${name}].autoscaling.${key}`;
    const bounds = { min: num(a['minReplicaCount'], at('minReplicaCount')), max: num(a['maxReplicaCount'], at('maxReplicaCount')) };
    const behavior = (a['behavior'] ?? {}) as ScalingPolicy['behavior'];
    if (a['enabled'] && (mode === 'sameRelease' || mode === 'separateRelease')) {
      policy = {
        minReplicaCount: bounds.min,
        maxReplicaCount: bounds.max,
        pollingInterval: num(a['pollingInterval'], at('pollingInterval')),
        cooldownPeriod: num(a['cooldownPeriod'], at('cooldownPeriod')),
        triggers,
        behavior,
      };
    } else if (a['enabled'] && mode === 'hpa') {
      // A plain HPA on CPU only, never below one replica. The HPA's sync period stands in for pollingInterval.
      const cpu = (a['cpu'] ?? {}) as Values;
      policy = {
        minReplicaCount: Math.max(1, bounds.min),
        maxReplicaCount: bounds.max,
        pollingInterval: num(a['pollingInterval'], at('pollingInterval')),
        cooldownPeriod: 0,
        triggers: [{ name: 'cpu', type: 'Utilization', target: num(cpu['utilization'], at('cpu.utilization')) }],
        behavior,
      };
    }
    const version = m['version'] === undefined || m['version'] === '' ? undefined : String(m['version']);
    return {
      model: name,
      ...(version && { version }),
      ...(policy && { policy }),
      fixedReplicas: num(m['replicas'] ?? 1, `global.models[${name}].replicas`),
      ...(backlogStates && { backlogStates }),
      ...(latency && { latency }),
      cpuRequestCores: cpuCores(((resources['requests'] ?? {}) as Values)['cpu']),
      env: Object.fromEntries(Object.entries((m['env'] ?? {}) as Values).map(([k, v]) => [k, String(v)])),
      shutdown: {
        drainDelaySeconds: num(shutdown['drainDelaySeconds'] ?? 0, 'shutdown.drainDelaySeconds'),
        graceSeconds: num(shutdown['graceSeconds'] ?? 0, 'shutdown.graceSeconds'),
      },
    };
  });
}

function readYaml(file: string): Values {
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  if (doc === null || doc === undefined) return {};
  if (!isMap(doc)) throw new Error(`${file}: expected a map of values`);
  return doc;
}

/** {@link modelScalingFromValues} of the chart in `chartDir` (charts/autoscaled-inference) with overlay files. */
export function readChartScaling(chartDir: string, overlayFiles: string[] = []): ModelScaling[] {
  return modelScalingFromValues(
    readYaml(join(chartDir, 'values.yaml')),
    readYaml(join(chartDir, 'charts', 'inference', 'values.yaml')),
    overlayFiles.map(readYaml),
  );
}

/**
 * One model's scaling from the chart: its own entry of global.models, or, for a model the values do not list, what
 * an entry with only its name would get (the defaults).
 */
export function readModelScaling(chartDir: string, model: string, overlayFiles: string[] = []): ModelScaling {
  const listed = readChartScaling(chartDir, overlayFiles).find((m) => m.model === model);
  if (listed) return listed;
  const values = [...overlayFiles.map(readYaml), { global: { models: [{ name: model }] } }];
  return modelScalingFromValues(readYaml(join(chartDir, 'values.yaml')), readYaml(join(chartDir, 'charts', 'inference', 'values.yaml')), values)[0];
}
