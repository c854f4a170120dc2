import type { ModelScaling } from '@ai/autoscaling';
import { histogramQuantile, parsePrometheusText, type Buckets, type MetricSample } from './prometheus-text';

export interface TriggerMetricsOptions {
  model: string;
  scaling: ModelScaling;
  /** The dispatcher, whose /metrics carries the backlog and the end-to-end latency histogram. */
  dispatcherUrl: string;
  /** The ready replicas' base URLs, whose /metrics carry process_cpu_seconds_total. */
  replicas(): string[];
}

const scrape = async (url: string): Promise<MetricSample[]> => {
  const res = await fetch(`${url.replace(/\/$/, '')}/metrics`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`${url}/metrics answered ${res.status}`);
  return parsePrometheusText(await res.text());
};

/**
 * The values of a model's triggers, measured the way the cluster measures them: the backlog as the chart's
 * Prometheus query sums dispatcher_queue_depth over its states; CPU as utilisation of the ready replicas' request
 * (from their process_cpu_seconds_total, as cAdvisor would from cgroups); latency as histogram_quantile over the
 * rate window of dispatcher_e2e_latency_seconds.
 */
export class TriggerMetrics {
  private readonly states: RegExp | undefined;
  private readonly cpuSeen = new Map<string, { cpu: number; at: number }>();
  private histograms: { at: number; buckets: Buckets }[] = [];

  constructor(private readonly options: TriggerMetricsOptions) {
    // Prometheus anchors label regexes.
    this.states = options.scaling.backlogStates ? new RegExp(`^(?:${options.scaling.backlogStates})$`) : undefined;
  }

  /** Each trigger's value now (seconds on the performance clock); a trigger that cannot be read is left out. */
  /** Why the last read left a trigger out, if it did. */
  lastError: string | undefined;

  async read(nowSeconds: number): Promise<Record<string, number | undefined>> {
    this.lastError = undefined;
    const values: Record<string, number | undefined> = {};
    const triggers = new Set(this.options.scaling.policy?.triggers.map((t) => t.name));
    if (triggers.has('backlog') || triggers.has('latency')) {
      try {
        const samples = await scrape(this.options.dispatcherUrl);
        if (triggers.has('backlog')) values['backlog'] = this.backlog(samples);
        if (triggers.has('latency')) values['latency'] = this.latency(samples, nowSeconds);
      } catch (error) {
        // The dispatcher did not answer: KEDA would see the query fail and leave the trigger out too.
        this.lastError = `dispatcher /metrics: ${(error as Error).message}`;
      }
    }
    if (triggers.has('cpu')) values['cpu'] = await this.cpu(nowSeconds);
    return values;
  }

  private backlog(samples: MetricSample[]): number {
    return samples
      .filter((s) => s.name === 'dispatcher_queue_depth' && s.labels['model'] === this.options.model && this.states?.test(s.labels['state'] ?? ''))
      .reduce((sum, s) => sum + s.value, 0);
  }

  private latency(samples: MetricSample[], now: number): number {
    const latency = this.options.scaling.latency;
    if (!latency) return 0;
    const buckets = samples
      .filter((s) => s.name === 'dispatcher_e2e_latency_seconds_bucket' && s.labels['model'] === this.options.model)
      .map((s) => ({ le: s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']), count: s.value }));
    this.histograms.push({ at: now, buckets });
    this.histograms = this.histograms.filter((h) => h.at >= now - 2 * latency.windowSeconds);
    const base = [...this.histograms].reverse().find((h) => h.at <= now - latency.windowSeconds) ?? this.histograms[0];
    const increase = buckets.map((b) => ({ le: b.le, count: b.count - (base.buckets.find((o) => o.le === b.le)?.count ?? 0) }));
    const value = histogramQuantile(latency.quantile, increase);
    // The chart's trigger has ignoreNullValues: no requests in the window reads as 0.
    return Number.isNaN(value) ? 0 : value;
  }

  private async cpu(now: number): Promise<number | undefined> {
    const urls = this.options.replicas();
    const utilisations = await Promise.all(
      urls.map(async (url) => {
        try {
          const cpu = (await scrape(url)).find((s) => s.name === 'process_cpu_seconds_total')?.value;
          if (cpu === undefined) return undefined;
          const before = this.cpuSeen.get(url);
          this.cpuSeen.set(url, { cpu, at: now });
          if (!before || now <= before.at) return undefined;
          return ((cpu - before.cpu) / (now - before.at) / this.options.scaling.cpuRequestCores) * 100;
        } catch {
          return undefined;
        }
      }),
    );
    for (const url of this.cpuSeen.keys()) if (!urls.includes(url)) this.cpuSeen.delete(url);
    const measured = utilisations.filter((u): u is number => u !== undefined);
    return measured.length > 0 ? measured.reduce((a, b) => a + b, 0) / measured.length : undefined;
  }
}
