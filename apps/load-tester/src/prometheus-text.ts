/** One sample of a Prometheus text exposition. */
export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;

/** The samples of a text exposition (comments and malformed lines skipped). */
export function parsePrometheusText(text: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = LINE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    const value = match[3] === '+Inf' ? Infinity : Number(match[3]);
    if (!Number.isNaN(value)) samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/** Cumulative bucket counts by upper bound, as in `_bucket{le=...}`. */
export type Buckets = { le: number; count: number }[];

/**
 * PromQL's histogram_quantile over cumulative buckets: the bucket holding the rank, interpolated linearly inside it
 * (the lowest bucket from 0; a rank in the +Inf bucket gives the highest finite bound). NaN with no observations.
 */
export function histogramQuantile(q: number, buckets: Buckets): number {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (sorted.length < 2 || total === 0) return Number.NaN;
  const rank = q * total;
  const at = sorted.findIndex((b) => b.count >= rank);
  if (at === sorted.length - 1) return sorted[sorted.length - 2].le;
  const upper = sorted[at];
  const lower = at === 0 ? { le: 0, count: 0 } : sorted[at - 1];
  if (upper.count === lower.count) return upper.le;
  return lower.le + ((upper.le - lower.le) * (rank - lower.count)) / (upper.count - lower.count);
}
