import type { ReportInput } from './report-input';
import { scalingChart } from './scaling-chart';

/** A vega-lite specification (kept loose: vega-lite validates it when compiling). */
export type VegaLiteSpec = Record<string, unknown>;

export interface ChartSpec {
  /** File name stem: `<name>.png`. */
  name: string;
  title: string;
  spec: VegaLiteSpec;
}

const WIDTH = 720;
const HEIGHT = 260;
const COLORS = { target: '#9e9e9e', sent: '#1f77b4', completed: '#2ca02c', failed: '#d62728', timedOut: '#ff7f0e', notSent: '#7f7f7f' };

function base(title: string, data: unknown[], rest: VegaLiteSpec): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: title, anchor: 'start', fontSize: 15 },
    width: WIDTH,
    height: HEIGHT,
    background: 'white',
    padding: 12,
    config: { font: 'DejaVu Sans, Helvetica, Arial, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
    data: { values: data },
    ...rest,
  };
}

type Row = { t: number; series: string; value: number };

/** Per-second values hold for the whole second: repeat each series' last value one second later so the step shows. */
function closeSteps(rows: Row[]): Row[] {
  const last = new Map<string, Row>();
  for (const row of rows) if ((last.get(row.series)?.t ?? -1) <= row.t) last.set(row.series, row);
  return [...rows, ...[...last.values()].map((row) => ({ ...row, t: row.t + 1 }))];
}

/**
 * Step lines of several named series over the run's seconds, with a legend. `areaSeries` are drawn as a
 * light filled area behind the lines (the target), so a line lying exactly on it stays visible.
 */
function seriesOverTime(title: string, rows: Row[], yTitle: string, domain: string[], range: string[], areaSeries: string[] = []): VegaLiteSpec {
  const x = { field: 't', type: 'quantitative', title: 'seconds since start' };
  const y = { field: 'value', type: 'quantitative', title: yTitle };
  const color = {
    field: 'series',
    type: 'nominal',
    title: null,
    scale: { domain, range },
    legend: { orient: 'top', symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 },
  };
  const inArea = `indexof(${JSON.stringify(areaSeries)}, datum.series) >= 0`;
  return base(title, closeSteps(rows), {
    layer: [
      { transform: [{ filter: inArea }], mark: { type: 'area', interpolate: 'step-after', opacity: 0.25 }, encoding: { x, y, color } },
      { transform: [{ filter: `!(${inArea})` }], mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y, color } },
    ],
  });
}

/** The charts of a report; charts without data (queue depth without a dispatcher, replicas without Prometheus) are left out. */
export function chartSpecs(input: ReportInput): ChartSpec[] {
  const { run, samples } = input;
  const charts: ChartSpec[] = [];
  const scaling = scalingChart(input);
  if (scaling) charts.push(scaling);

  const bins = run.latencyDistribution;
  const marks = [
    { label: 'p50', ms: run.latency.p50 },
    { label: 'p99', ms: run.latency.p99 },
  ].filter((m) => m.ms > 0);
  charts.push({
    name: 'latency-distribution',
    title: 'End-to-end latency distribution',
    spec: base('End-to-end latency distribution (from intended send time)', bins, {
      layer: [
        {
          mark: { type: 'rect', color: '#1f77b4', opacity: 0.85, stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            x: { field: 'fromMs', type: 'quantitative', scale: { type: 'log' }, title: 'latency (ms, log scale)' },
            x2: { field: 'toMs' },
            y: { field: 'count', type: 'quantitative', title: 'requests' },
            y2: { datum: 0 },
          },
        },
        {
          data: { values: marks },
          mark: { type: 'rule', color: '#d62728', strokeDash: [4, 3] },
          encoding: { x: { field: 'ms', type: 'quantitative' } },
        },
        {
          data: { values: marks },
          mark: { type: 'text', align: 'left', dx: 4, dy: -6, color: '#d62728', baseline: 'top' },
          encoding: { x: { field: 'ms', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
        },
      ],
    }),
  });

  const percentileRows = run.seconds.flatMap((s) =>
    s.latency
      ? [
          { t: s.second, series: 'p50', value: s.latency.p50 },
          { t: s.second, series: 'p95', value: s.latency.p95 },
          { t: s.second, series: 'p99', value: s.latency.p99 },
        ]
      : [],
  );
  charts.push({
    name: 'latency-over-time',
    title: 'Latency percentiles over time',
    spec: seriesOverTime(
      'Latency percentiles by intended send second (ms)',
      percentileRows,
      'latency (ms)',
      ['p50', 'p95', 'p99'],
      ['#2ca02c', '#ff7f0e', '#d62728'],
    ),
  });

  const rateRows = run.seconds.flatMap((s) => [
    { t: s.second, series: 'target', value: s.target },
    { t: s.second, series: 'sent', value: s.sent },
    { t: s.second, series: 'completed', value: s.completed },
    { t: s.second, series: 'failed + timed out', value: s.failed + s.timedOut },
  ]);
  charts.push({
    name: 'throughput',
    title: 'Target vs sent vs completed requests per second',
    spec: seriesOverTime(
      'Requests per second: target, sent, completed',
      rateRows,
      'requests / s',
      ['target', 'sent', 'completed', 'failed + timed out'],
      [COLORS.target, COLORS.sent, COLORS.completed, COLORS.failed],
      ['target'],
    ),
  });

  const depthRows = samples.flatMap((s) => [
    ...(s.queueDepth !== undefined ? [{ t: s.t, series: 'waiting', value: s.queueDepth }] : []),
    ...(s.active !== undefined ? [{ t: s.t, series: 'active', value: s.active }] : []),
  ]);
  if (depthRows.length > 0) {
    charts.push({
      name: 'queue-depth',
      title: 'Queue depth over time',
      spec: seriesOverTime('Dispatcher queue depth (jobs)', depthRows, 'jobs', ['waiting', 'active'], ['#9467bd', '#17becf']),
    });
  }

  const replicaRows = samples.flatMap((s) => Object.entries(s.replicas ?? {}).map(([deployment, value]) => ({ t: s.t, series: deployment, value })));
  if (replicaRows.length > 0) {
    const deployments = [...new Set(replicaRows.map((r) => r.series))];
    charts.push({
      name: 'replicas',
      title: 'Replicas over time',
      spec: base('Replicas per deployment', replicaRows, {
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds since start' },
          y: { field: 'value', type: 'quantitative', title: 'replicas', axis: { tickMinStep: 1 } },
          color: { field: 'series', type: 'nominal', title: null, scale: { domain: deployments }, legend: { orient: 'top' } },
        },
      }),
    });
  }

  const outcomes = [
    { outcome: 'completed', count: run.counts.completed, color: COLORS.completed },
    ...Object.entries(run.failuresByReason).map(([reason, count]) => ({ outcome: `failed: ${reason}`, count, color: COLORS.failed })),
    { outcome: 'timed out', count: run.counts.timedOut, color: COLORS.timedOut },
    { outcome: 'not sent', count: run.counts.notSent, color: COLORS.notSent },
  ];
  charts.push({
    name: 'outcomes',
    title: 'Outcomes by reason',
    spec: base('Outcome of every scheduled request', outcomes, {
      height: Math.max(80, outcomes.length * 28),
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'outcome', type: 'nominal', sort: null, title: null },
            x: { field: 'count', type: 'quantitative', title: 'requests' },
            color: { field: 'color', type: 'nominal', scale: null, legend: null },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4 },
          encoding: { y: { field: 'outcome', type: 'nominal', sort: null }, x: { field: 'count', type: 'quantitative' }, text: { field: 'count' } },
        },
      ],
    }),
  });
  return charts;
}
