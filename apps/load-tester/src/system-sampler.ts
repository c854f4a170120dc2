import { performance } from 'node:perf_hooks';
import type { SystemSample } from '@ai/report';

export interface SystemSamplerOptions {
  /** Dispatcher base URL; its /metrics gives the queue depth. */
  target: string;
  model: string;
  /** Prometheus base URL; when given, replicas and CPU per deployment are sampled too. */
  prometheusUrl?: string;
  /** The run's time origin (performance.now()). */
  origin: number;
  intervalMs?: number;
  /** The embedded stack's replica counts, sampled with the rest. */
  scaling?: () => NonNullable<SystemSample['scaling']>;
}

const QUEUE_DEPTH = /^dispatcher_queue_depth\{([^}]*)\}\s+([0-9.eE+-]+)/;

/** Waiting and active jobs of `model` from a Prometheus text exposition of the dispatcher. */
export function parseQueueDepth(text: string, model: string): { waiting: number; active: number } | undefined {
  let waiting = 0;
  let active = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const match = QUEUE_DEPTH.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels['model'] !== model) continue;
    seen = true;
    const value = Number(match[2]);
    if (labels['state'] === 'active') active += value;
    else if (labels['state'] === 'waiting' || labels['state'] === 'prioritized' || labels['state'] === 'delayed') waiting += value;
  }
  return seen ? { waiting, active } : undefined;
}

async function promQuery(base: string, query: string, label: string): Promise<Record<string, number> | undefined> {
  const url = `${base.replace(/\/$/, '')}/api/v1/query?query=${encodeURIComponent(query)}`;
  const res = await fetch(url, { signal: AbortSignal.timeout(900) });
  if (!res.ok) return undefined;
  const body = (await res.json()) as { data?: { result?: Array<{ metric: Record<string, string>; value: [number, string] }> } };
  const out: Record<string, number> = {};
  for (const row of body.data?.result ?? []) out[row.metric[label] ?? 'unknown'] = Number(row.value[1]);
  return out;
}

/** Replicas per deployment (kube-state-metrics). */
const REPLICAS = 'sum by (deployment) (kube_deployment_status_replicas)';
/** CPU cores per deployment: pod names are <deployment>-<replicaset hash>-<pod hash>. */
const CPU = 'sum by (deployment) (label_replace(rate(container_cpu_usage_seconds_total{container!=""}[1m]), "deployment", "$1", "pod", "(.*)-[^-]+-[^-]+"))';

/**
 * Samples what the system did during a run, once a second: the dispatcher's queue depth and, with
 * Prometheus, replicas and CPU per deployment, so the report shows what the autoscaler did. A failed
 * sample is skipped; sampling never disturbs the run.
 */
export class SystemSampler {
  readonly samples: SystemSample[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight?: Promise<void>;

  constructor(private readonly options: SystemSamplerOptions) {}

  start(): void {
    const tick = () => {
      this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.options.intervalMs ?? 1000);
  }

  async stop(): Promise<SystemSample[]> {
    clearInterval(this.timer);
    await this.inFlight;
    return this.samples;
  }

  /** Takes one sample now. */
  async sample(): Promise<void> {
    const t = (performance.now() - this.options.origin) / 1000;
    const sample: SystemSample = { t: Number(t.toFixed(3)), ...(this.options.scaling && { scaling: this.options.scaling() }) };
    const [metrics, replicas, cpu] = await Promise.allSettled([
      fetch(`${this.options.target.replace(/\/$/, '')}/metrics`, { signal: AbortSignal.timeout(900) }).then((r) => (r.ok ? r.text() : undefined)),
      this.options.prometheusUrl ? promQuery(this.options.prometheusUrl, REPLICAS, 'deployment') : undefined,
      this.options.prometheusUrl ? promQuery(this.options.prometheusUrl, CPU, 'deployment') : undefined,
    ]);
    const depth = metrics.status === 'fulfilled' && metrics.value ? parseQueueDepth(metrics.value, this.options.model) : undefined;
    if (depth) Object.assign(sample, { queueDepth: depth.waiting, active: depth.active });
    if (replicas.status === 'fulfilled' && replicas.value && Object.keys(replicas.value).length) sample.replicas = replicas.value;
    if (cpu.status === 'fulfilled' && cpu.value && Object.keys(cpu.value).length) sample.cpu = cpu.value;
    if (Object.keys(sample).length > 1) this.samples.push(sample);
  }
}
