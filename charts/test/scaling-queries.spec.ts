/**
 * The numbers KEDA scales on and the alerts fire on, evaluated by promtool over series as a shared Prometheus
 * stores them: two dispatcher pods of this release (each reads the whole queue from Redis at scrape time, so
 * both report the same backlog), the same release name in another namespace, and a second release in this
 * namespace. Labels are the ones the scrape adds: the Prometheus Operator's ServiceMonitor targets (namespace,
 * job = the Service's job label, pod, and the app's own `service` label renamed exported_service), or the
 * prometheus-community chart's kubernetes-pods job for prometheus.io annotations (namespace, pod and the pod's
 * labels, honor_labels).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CHART_DIR, K8sObject } from '../tools/helm';
import { promtoolAvailable, promtoolTestRules, seriesString, type InputSeries } from '../tools/promtool';
import { disposeChart, ofKind, render } from './scenarios';

afterAll(() => disposeChart());

const NS = 'autoscaled-inference';
const REL = 'autoscaled-inference';
type Trigger = { type: string; metadata: Record<string, string> };
const triggers = (so: K8sObject) => (so.spec as { triggers: Trigger[] }).triggers;
const scaledObject = (scenario: string, name = `${REL}-inference-digits-cnn`) => {
  const so = ofKind(render(scenario), 'ScaledObject').find((o) => o.metadata.name === name);
  if (!so) throw new Error(`no ScaledObject ${name} in ${scenario}`);
  return so;
};
const queryOf = (so: K8sObject, metric: string) => {
  const t = triggers(so).find((x) => x.type === 'prometheus' && x.metadata.query.includes(metric));
  if (!t) throw new Error(`no prometheus trigger on ${metric} in ${so.metadata.name}`);
  return t.metadata.query;
};

/** The target labels of one dispatcher pod, as each scrape mode stores them. */
type Mode = 'serviceMonitor' | 'annotations';
function dispatcherTarget(mode: Mode, namespace: string, release: string, pod: string): Record<string, string> {
  const podName = `${release}-dispatcher-7c9d8f6b5-${pod}`;
  if (mode === 'serviceMonitor') {
    return {
      namespace,
      job: `${release}-dispatcher`,
      service: `${release}-dispatcher`,
      endpoint: 'http',
      pod: podName,
      container: 'dispatcher',
      instance: `10.0.${pod.length}.${pod.charCodeAt(0)}:3000`,
      exported_service: 'dispatcher',
    };
  }
  return {
    namespace,
    job: 'kubernetes-pods',
    pod: podName,
    instance: `10.0.${pod.length}.${pod.charCodeAt(0)}:3000`,
    app_kubernetes_io_instance: release,
    app_kubernetes_io_name: 'dispatcher',
    service: 'dispatcher',
  };
}

/** The dispatchers of three installs sharing one Prometheus: ours (two pods), and two others. */
const installs = [
  { namespace: NS, release: REL, pods: ['a1', 'a2'], ours: true },
  { namespace: 'staging', release: REL, pods: ['b1'], ours: false },
  { namespace: NS, release: 'second', pods: ['c1'], ours: false },
];

function queueDepth(mode: Mode, depth: (ours: boolean) => Record<string, string>): InputSeries[] {
  return installs.flatMap((install) =>
    install.pods.flatMap((pod) =>
      Object.entries(depth(install.ours)).map(([state, values]) => ({
        series: seriesString('dispatcher_queue_depth', { ...dispatcherTarget(mode, install.namespace, install.release, pod), model: 'digits-cnn', state }),
        values,
      })),
    ),
  );
}

const it_ = promtoolAvailable() ? it : it.skip;

describe.each([
  ['default', 'serviceMonitor'],
  ['keda-separate-release', 'annotations'],
] as [string, Mode][])('the %s scenario (%s scraping)', (scenario, mode) => {
  it_('scales on the backlog once, however many dispatcher pods report it and whatever else the Prometheus holds', () => {
    const query = queryOf(scaledObject(scenario), 'dispatcher_queue_depth');
    // Ours: 7 waiting + 3 active (+ 5 delayed, not counted by default) = 10 jobs; the other installs' queues are longer.
    const input = queueDepth(mode, (ours): Record<string, string> =>
      ours ? { waiting: '7x10', prioritized: '0x10', active: '3x10', delayed: '5x10' } : { waiting: '50x10', active: '40x10' },
    );
    const result = promtoolTestRules(
      [],
      [{ interval: '1m', input_series: input, promql_expr_test: [{ expr: query, eval_time: '5m', exp_samples: [{ labels: '{}', value: 10 }] }] }],
    );
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });

  it_('keeps the backlog right while a rollout has a third pod with an older reading', () => {
    const query = queryOf(scaledObject(scenario), 'dispatcher_queue_depth');
    const input = [
      ...queueDepth(mode, (ours): Record<string, string> => (ours ? { waiting: '7x10', active: '3x10' } : {})),
      // The old pod of the rollout, scraped before the last jobs arrived: it reports fewer.
      { series: seriesString('dispatcher_queue_depth', { ...dispatcherTarget(mode, NS, REL, 'old'), model: 'digits-cnn', state: 'waiting' }), values: '5x10' },
      { series: seriesString('dispatcher_queue_depth', { ...dispatcherTarget(mode, NS, REL, 'old'), model: 'digits-cnn', state: 'active' }), values: '3x10' },
    ];
    const result = promtoolTestRules(
      [],
      [{ interval: '1m', input_series: input, promql_expr_test: [{ expr: query, eval_time: '5m', exp_samples: [{ labels: '{}', value: 10 }] }] }],
    );
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });
});

describe('the latency SLO trigger', () => {
  const latencyQuery = () => queryOf(scaledObject('prometheus-trigger'), 'dispatcher_e2e_latency_seconds_bucket');
  const buckets = (values: (ours: boolean) => Record<string, string>): InputSeries[] =>
    installs.flatMap((install) =>
      install.pods.flatMap((pod) =>
        Object.entries(values(install.ours)).map(([le, v]) => ({
          series: seriesString('dispatcher_e2e_latency_seconds_bucket', {
            ...dispatcherTarget('serviceMonitor', install.namespace, install.release, pod),
            model: 'digits-cnn',
            le,
          }),
          values: v,
        })),
      ),
    );

  it_('answers 0, not NaN, when the model is idle (no job finished in the window)', () => {
    const input = buckets((ours): Record<string, string> =>
      ours ? { '0.1': '40x20', '0.25': '60x20', '+Inf': '60x20' } : { '0.1': '0+10x20', '+Inf': '0+10x20' },
    );
    const result = promtoolTestRules(
      [],
      [{ interval: '1m', input_series: input, promql_expr_test: [{ expr: latencyQuery(), eval_time: '10m', exp_samples: [{ labels: '{}', value: 0 }] }] }],
    );
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });

  it_("measures this release's p99 across its dispatcher pods under load", () => {
    // Every job of ours took 0.1–0.25 s; the other installs' jobs are slow (above 0.25 s).
    const input = buckets((ours): Record<string, string> =>
      ours ? { '0.1': '0x20', '0.25': '0+60x20', '+Inf': '0+60x20' } : { '0.1': '0x20', '0.25': '0x20', '+Inf': '0+100x20' },
    );
    const result = promtoolTestRules(
      [],
      [{ interval: '1m', input_series: input, promql_expr_test: [{ expr: latencyQuery(), eval_time: '10m', exp_samples: [{ labels: '{}', value: 0.2485 }] }] }],
    );
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });
});

describe('the alert rules the chart installs (PrometheusRule)', () => {
  const groups = () => (ofKind(render('default'), 'PrometheusRule')[0].spec as { groups: unknown[] }).groups;

  it_('InferenceBacklogGrowing fires on the backlog one dispatcher reports, for this release only', () => {
    // Each of our two pods reports the same growing backlog, 40 → 60 over 40 minutes: above 50 from minute 21.
    // The other installs' backlogs are far above 50 and growing too; this release's rule must not see them.
    const input = queueDepth('serviceMonitor', (ours): Record<string, string> => (ours ? { waiting: '40+0.5x60' } : { waiting: '100+1x60' }));
    const result = promtoolTestRules(groups(), [
      {
        interval: '1m',
        input_series: input,
        alert_rule_test: [
          // Two pods add up to 80+ from the start; one pod's reading is still under 50.
          { eval_time: '15m', alertname: 'InferenceBacklogGrowing', exp_alerts: [] },
          {
            eval_time: '35m',
            alertname: 'InferenceBacklogGrowing',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', namespace: NS, job: `${REL}-dispatcher`, model: 'digits-cnn' },
                exp_annotations: {
                  summary: 'Backlog of digits-cnn keeps growing (57.5 jobs)',
                  description: 'Check the replica count against maxReplicaCount and the drain rate.',
                },
              },
            ],
          },
        ],
      },
    ]);
    expect(result.output).not.toMatch(/FAILED/);
    expect(result.ok).toBe(true);
  });

  it('scopes every selector of every rule to this release (namespace and job)', () => {
    const exprs = (groups() as { rules: { expr: string }[] }[]).flatMap((g) => g.rules.map((r) => r.expr));
    expect(exprs.length).toBeGreaterThan(3);
    for (const expr of exprs) {
      const selectors = [...expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)];
      expect(selectors.length).toBeGreaterThan(0);
      for (const [, metric, matchers] of selectors) {
        expect([metric, matchers]).toEqual([metric, expect.stringMatching(new RegExp(`namespace="${NS}",\\s*job="${REL}-(dispatcher|inference)"`))]);
      }
    }
  });

  it('the rule file docker compose loads selects its own jobs, which the chart rewrites for the release', () => {
    const rules = parse(readFileSync(join(CHART_DIR, 'files', 'alert-rules.yaml'), 'utf8')) as { groups: { rules: { expr: string }[] }[] };
    for (const expr of rules.groups.flatMap((g) => g.rules.map((r) => r.expr))) {
      for (const [, metric, matchers] of expr.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
        expect([metric, matchers]).toEqual([metric, expect.stringMatching(/^job="(dispatcher|inference)"/)]);
      }
    }
    const compose = parse(readFileSync(join(CHART_DIR, '..', '..', 'deploy', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    };
    expect(compose.scrape_configs.map((c) => c.job_name)).toEqual(expect.arrayContaining(['dispatcher', 'inference']));
  });
});

describe('every trigger query is scoped to this release', () => {
  it.each(['default', 'prometheus-trigger', 'keda-separate-release', 'scale-to-zero', 'gpu'])('scenario %s', (scenario) => {
    for (const so of ofKind(render(scenario), 'ScaledObject')) {
      for (const t of triggers(so).filter((x) => x.type === 'prometheus')) {
        for (const [, metric, matchers] of t.metadata.query.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)) {
          expect([so.metadata.name, metric, matchers]).toEqual([so.metadata.name, metric, expect.stringMatching(new RegExp(`namespace="${NS}"`))]);
          if (!metric.startsWith('DCGM_')) expect([so.metadata.name, metric, matchers]).toEqual([so.metadata.name, metric, expect.stringMatching(/job="/)]);
        }
      }
    }
  });
});

describe('each app is scraped once', () => {
  it('with scrape annotations, only the pods carry them (a Service annotation would add a second, kubernetes-service-endpoints, copy)', () => {
    const objects = render('keda-separate-release');
    const apps = (kind: string) => ofKind(objects, kind).filter((o) => o.metadata.labels?.['app.kubernetes.io/part-of'] === 'autoscaled-inference');
    for (const svc of apps('Service')) {
      expect([svc.metadata.name, Object.keys(svc.metadata.annotations ?? {}).filter((k) => k.startsWith('prometheus.io/'))]).toEqual([svc.metadata.name, []]);
    }
    const deployments = apps('Deployment');
    expect(deployments.length).toBeGreaterThan(1);
    for (const d of deployments) {
      const pod = (d.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata;
      expect([d.metadata.name, pod.annotations?.['prometheus.io/scrape']]).toEqual([d.metadata.name, 'true']);
    }
  });

  it('with ServiceMonitors, nothing carries scrape annotations', () => {
    expect(JSON.stringify(render('default'))).not.toContain('prometheus.io/scrape');
  });
});
