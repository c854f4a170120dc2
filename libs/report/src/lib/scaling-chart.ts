import type { ReportInput } from './report-input';
import type { ChartSpec, VegaLiteSpec } from './chart-specs';

const WIDTH = 720;
const PANEL = 150;

/**
 * The scaling loop on one time axis: desired vs ready replicas with every scale event marked by its trigger, then
 * the backlog, the latency percentiles (by intended send second) and completed requests per second. Undefined
 * without replica samples (a run against --target without the embedded stack).
 */
export function scalingChart(input: ReportInput): ChartSpec | undefined {
  const { run, samples, scaling, slo } = input;
  const replicaRows = samples.flatMap((s) =>
    s.scaling
      ? [
          { t: s.t, series: 'desired', value: s.scaling.desired },
          { t: s.t, series: 'ready', value: s.scaling.ready },
        ]
      : [],
  );
  if (replicaRows.length === 0) return undefined;
  const events = (scaling?.events ?? []).map((e) => ({ t: e.t, label: `${e.from}→${e.to} ${e.reason}` }));
  const backlogRows = samples
    .filter((s) => s.queueDepth !== undefined || s.active !== undefined)
    .map((s) => ({ t: s.t, value: (s.queueDepth ?? 0) + (s.active ?? 0) }));
  const latencyRows = run.seconds.flatMap(({ second, latency }) =>
    latency && latency.count > 0 ? (['p50', 'p95', 'p99'] as const).map((p) => ({ t: second, series: p, value: Math.max(1, latency[p]) })) : [],
  );
  const rateRows = run.seconds.flatMap((s) => [
    { t: s.second, series: 'target', value: s.target },
    { t: s.second, series: 'completed', value: s.completed },
  ]);
  const x = { field: 't', type: 'quantitative', title: null };
  const eventRules: VegaLiteSpec = {
    data: { values: events },
    mark: { type: 'rule', color: '#888', strokeDash: [3, 3] },
    encoding: { x: { field: 't', type: 'quantitative' } },
  };
  const legend = { orient: 'top-left', direction: 'horizontal', title: null, symbolType: 'stroke' };
  const panel = (title: string, layers: VegaLiteSpec[]): VegaLiteSpec => ({
    width: WIDTH,
    height: PANEL,
    title: { text: title, anchor: 'start', fontSize: 13 },
    layer: [...(events.length ? [eventRules] : []), ...layers],
  });
  const lines = (rows: { series: string }[], domain: string[], range: string[], y: VegaLiteSpec, dashed: string[] = []): VegaLiteSpec[] =>
    [false, true].map((dash) => ({
      data: { values: rows.filter((r) => dashed.includes(r.series) === dash) },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, ...(dash && { strokeDash: [6, 3] }) },
      encoding: { x, y, color: { field: 'series', type: 'nominal', scale: { domain, range }, legend } },
    }));
  const sloMs = slo.p99Seconds !== undefined ? slo.p99Seconds * 1000 : undefined;
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: `Autoscaling: ${scaling?.policy ?? 'replicas'}`, anchor: 'start', fontSize: 15 },
    background: 'white',
    padding: 12,
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
    resolve: { scale: { x: 'shared', color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
    vconcat: [
      panel('Inference replicas: desired (dashed) and ready; dotted rules are scale events', [
        ...lines(
          replicaRows,
          ['desired', 'ready'],
          ['#1f77b4', '#2ca02c'],
          { field: 'value', type: 'quantitative', title: 'replicas', axis: { tickMinStep: 1 } },
          ['desired'],
        ),
        {
          data: { values: events },
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, angle: 0, fontSize: 10, color: '#555' },
          encoding: { x: { field: 't', type: 'quantitative' }, y: { value: 2 }, text: { field: 'label' } },
        },
      ]),
      panel('Backlog: waiting + active jobs in the dispatcher queue', [
        {
          data: { values: backlogRows },
          mark: { type: 'area', interpolate: 'step-after', color: '#9467bd', opacity: 0.35, line: { color: '#9467bd' } },
          encoding: { x, y: { field: 'value', type: 'quantitative', title: 'jobs' } },
        },
      ]),
      panel(`Latency by intended send second (ms, log scale)${sloMs !== undefined ? `; SLO p99 ${sloMs} ms` : ''}`, [
        ...lines(latencyRows, ['p50', 'p95', 'p99'], ['#2ca02c', '#ff7f0e', '#d62728'], {
          field: 'value',
          type: 'quantitative',
          title: 'ms',
          scale: { type: 'log' },
        }),
        ...(sloMs !== undefined
          ? [
              {
                data: { values: [{ ms: sloMs }] },
                mark: { type: 'rule', color: '#d62728', strokeDash: [6, 4], opacity: 0.6 },
                encoding: { y: { field: 'ms', type: 'quantitative' } },
              },
            ]
          : []),
      ]),
      {
        ...panel(
          'Requests per second: target and completed',
          lines(rateRows, ['target', 'completed'], ['#9e9e9e', '#2ca02c'], { field: 'value', type: 'quantitative', title: 'req/s' }),
        ),
        encoding: { x: { ...x, title: 'seconds since start' } },
      },
    ],
  };
  return { name: 'scaling', title: 'Autoscaling: replicas, backlog, latency and throughput on one time axis', spec };
}
