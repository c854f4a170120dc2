/**
 * The series names a Prometheus text exposition (GET /metrics) declares: every `# TYPE` line's name, with
 * _bucket/_sum/_count for histograms and _sum/_count for summaries (a labelled histogram nobody has
 * observed yet shows only its TYPE line), plus every sample line's name.
 */
export function exposedSeriesNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name, kind] = type;
      names.add(name);
      if (kind === 'histogram') ['_bucket', '_sum', '_count'].forEach((s) => names.add(name + s));
      if (kind === 'summary') ['_sum', '_count'].forEach((s) => names.add(name + s));
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (sample) names.add(sample[1]);
  }
  return names;
}
