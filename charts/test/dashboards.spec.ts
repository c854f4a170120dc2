/**
 * The Grafana dashboards (dashboards/*.json, shipped by the chart and provisioned by docker compose): importable
 * (__inputs), datasource, namespace and model variables, every query scoped by namespace and job, one unit per
 * axis, a CPU panel whose selectors match what the Prometheus Operator stores, a GPU panel on the DCGM
 * exporter and the inference service's own GPU reading, and logs panels on the labels the Loki transport sends.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR } from '../tools/helm';
import { promtoolAvailable, promtoolTestRules, seriesString } from '../tools/promtool';

interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  datasource?: { type: string; uid: string };
}
interface Override {
  matcher: { id: string; options: string };
  properties: { id: string; value: unknown }[];
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets: Target[];
  fieldConfig?: { defaults?: { unit?: string }; overrides?: Override[] };
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: { type: string; uid: string };
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
}
interface Dashboard {
  __inputs?: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: Variable[] };
}

const DIR = join(CHART_DIR, 'dashboards');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Dashboard;
const all = () => FILES.map((f) => [f, load(f)] as const);
const dsType = (p: Panel, t: Target) => t.datasource?.type ?? p.datasource?.type;
const promTargets = (d: Dashboard) => d.panels.flatMap((p) => p.targets.filter((t) => dsType(p, t) === 'prometheus').map((t) => ({ panel: p, target: t })));
const panel = (d: Dashboard, title: RegExp) => {
  const found = d.panels.find((p) => title.test(p.title));
  if (!found) throw new Error(`no panel ${title} among ${d.panels.map((p) => p.title).join(', ')}`);
  return found;
};
const selectors = (expr: string) => [...expr.matchAll(/\b([A-Za-z_:][A-Za-z0-9_:]*)\{([^}]*)\}/g)].map(([, metric, matchers]) => ({ metric, matchers }));
/** Metrics of this project's apps (the rest come from kube-state-metrics, cAdvisor and DCGM). */
const appMetric = (m: string) => /^(dispatcher|inference|generation|process|model)_/.test(m);

it('finds both dashboards', () => {
  expect(FILES.sort()).toEqual(['logs.json', 'overview.json']);
});

describe.each(FILES)('%s', (file) => {
  const d = () => load(file);
  const variable = (name: string) => d().templating.list.find((v) => v.name === name);
  const usesLoki = () => d().panels.some((p) => p.datasource?.type === 'loki');
  const usesPrometheus = () => promTargets(d()).length > 0;

  it('declares __inputs for import, one per datasource type it queries', () => {
    const inputs = d().__inputs ?? [];
    const expected = [...(usesPrometheus() ? ['DS_PROMETHEUS:prometheus'] : []), ...(usesLoki() ? ['DS_LOKI:loki'] : [])];
    expect(inputs.map((i) => `${i.name}:${i.pluginId}`).sort()).toEqual(expected.sort());
    for (const i of inputs) expect(i.type).toBe('datasource');
  });

  it('picks its datasources from variables, never from a hard-coded uid', () => {
    const uses = new Set(
      d()
        .panels.flatMap((p) => [p.datasource, ...p.targets.map((t) => t.datasource)])
        .filter(Boolean)
        .map((ds) => `${ds!.type}:${ds!.uid}`),
    );
    for (const use of uses) expect(['prometheus:${datasource}', 'loki:${loki_datasource}']).toContain(use);
    if (usesPrometheus()) expect(variable('datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    if (usesLoki()) expect(variable('loki_datasource')).toMatchObject({ type: 'datasource', query: 'loki' });
  });

  it('has namespace and model variables that match every series when nothing is chosen (docker compose has no namespace)', () => {
    for (const name of ['namespace', 'model']) {
      expect(variable(name)).toMatchObject({ type: 'query', includeAll: true, multi: true, allValue: '.*' });
    }
  });

  it('scopes every query of the apps by namespace, job and model', () => {
    for (const { panel: p, target } of promTargets(d())) {
      for (const s of selectors(target.expr)) {
        expect([p.title, s.metric, s.matchers]).toEqual([p.title, s.metric, expect.stringContaining('namespace=~"$namespace"')]);
        if (appMetric(s.metric))
          expect([p.title, s.metric, s.matchers]).toEqual([p.title, s.metric, expect.stringMatching(/job=~"\$(dispatcher_job|inference_job)/)]);
        if (
          /^(dispatcher_queue_depth|dispatcher_jobs_total|dispatcher_e2e|dispatcher_enqueued|dispatcher_drain_rate|inference_(requests|latency|batch|in_flight|exceptions|provider)|generation_)/.test(
            s.metric,
          )
        ) {
          expect([p.title, s.metric, s.matchers]).toEqual([p.title, s.metric, expect.stringContaining('model=~"$model"')]);
        }
      }
    }
  });

  it('uses one unit per axis: a series in another unit gets its own unit on the right axis', () => {
    for (const p of d().panels.filter((x) => x.type === 'timeseries')) {
      const unitOverrides = (p.fieldConfig?.overrides ?? []).filter((o) => o.properties.some((x) => x.id === 'unit'));
      const units = new Set([p.fieldConfig?.defaults?.unit, ...unitOverrides.flatMap((o) => o.properties.filter((x) => x.id === 'unit').map((x) => x.value))]);
      expect([p.title, units.size]).toEqual([p.title, expect.any(Number)]);
      expect([p.title, units.size <= 2]).toEqual([p.title, true]);
      for (const o of unitOverrides) {
        expect([p.title, o.matcher.id]).toEqual([p.title, 'byFrameRefID']);
        expect([p.title, o.properties.find((x) => x.id === 'custom.axisPlacement')?.value]).toEqual([p.title, 'right']);
      }
    }
  });
});

describe('overview.json', () => {
  const d = () => load('overview.json');
  const unitOf = (p: Panel, refId: string) => {
    const o = (p.fieldConfig?.overrides ?? []).find((x) => x.matcher.id === 'byFrameRefID' && x.matcher.options === refId);
    return (o?.properties.find((x) => x.id === 'unit')?.value as string | undefined) ?? p.fieldConfig?.defaults?.unit;
  };

  it('error rate: ratios in percent, exceptions per second on their own axis', () => {
    const p = panel(d(), /^Error rate/);
    for (const t of p.targets) {
      expect([t.expr, unitOf(p, t.refId)]).toEqual([
        t.expr,
        /inference_exceptions_total/.test(t.expr) && !t.expr.includes(' / ') ? expect.stringMatching(/ps$|^reqps$|^ops$/) : 'percentunit',
      ]);
    }
  });

  it("CPU: the process counter selected by namespace and job (the operator renames the app's service label), shown per pod", () => {
    const p = panel(d(), /^CPU/);
    const process = p.targets.find((t) => t.expr.includes('process_cpu_seconds_total'))!;
    expect(process.expr).not.toMatch(/service=/);
    expect(process.expr).toMatch(/process_cpu_seconds_total\{namespace=~"\$namespace", job=~"\$dispatcher_job\|\$inference_job"\}/);
    expect(process.legendFormat).toMatch(/\{\{pod\}\}|\{\{instance\}\}/);
    expect(p.fieldConfig?.defaults?.unit).toBe('cores');
  });

  it("GPU: the DCGM exporter for this namespace's pods and the inference service's own reading, in percent, memory (MiB) on its own axis", () => {
    const p = panel(d(), /^GPU/);
    const exprs = p.targets.map((t) => t.expr).join('\n');
    expect(exprs).toMatch(/DCGM_FI_DEV_GPU_UTIL\{namespace=~"\$namespace", pod=~"\.\*inference-\.\*"\}/);
    expect(exprs).toMatch(/inference_gpu_utilization_percent\{namespace=~"\$namespace", job=~"\$inference_job", model=~"\$model"\}/);
    expect(p.fieldConfig?.defaults?.unit).toBe('percent');
    const memory = p.targets.find((t) => t.expr.includes('DCGM_FI_DEV_FB_USED'))!;
    expect(unitOf(p, memory.refId)).toBe('mbytes');
  });

  const it_ = promtoolAvailable() ? it : it.skip;
  it_('queue depth: the backlog of one dispatcher, not the sum of the pods that report it', () => {
    const p = panel(d(), /^Queue depth/);
    const expr = p.targets[0].expr
      .replace(/\$namespace/g, 'autoscaled-inference')
      .replace(/\$dispatcher_job/g, 'autoscaled-inference-dispatcher')
      .replace(/\$model/g, 'digits-cnn')
      .replace(/\$__rate_interval/g, '1m');
    const series = ['p1', 'p2'].map((pod) => ({
      series: seriesString('dispatcher_queue_depth', {
        namespace: 'autoscaled-inference',
        job: 'autoscaled-inference-dispatcher',
        pod,
        model: 'digits-cnn',
        state: 'waiting',
      }),
      values: '7x10',
    }));
    const result = promtoolTestRules(
      [],
      [{ interval: '1m', input_series: series, promql_expr_test: [{ expr: `sum(${expr})`, eval_time: '5m', exp_samples: [{ labels: '{}', value: 7 }] }] }],
    );
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });
});

describe("logs.json and the overview's logs panel", () => {
  it('select streams by the labels the apps send (service, namespace) and parse the JSON lines', () => {
    const queries = all().flatMap(([, d]) => d.panels.filter((p) => p.datasource?.type === 'loki').flatMap((p) => p.targets.map((t) => t.expr)));
    expect(queries.length).toBeGreaterThan(2);
    for (const q of queries) {
      expect(q).toMatch(/^(sum by \([^)]*\) \(count_over_time\()?\{service=~"inference\|dispatcher\|load-tester", namespace=~"\$namespace"[^}]*\}/);
      expect(q).not.toMatch(/\bapp=/);
    }
    expect(queries.some((q) => q.includes('| json'))).toBe(true);
  });
});
