/**
 * Values that contradict each other, or the cluster, fail the render with a message naming the values to
 * change, or the chart adapts to them. Checks against the cluster run where Helm talks to one (install,
 * upgrade); here they are rendered with the `--api-versions` such a cluster would report (see clusterWith).
 */
import { K8sObject } from '../tools/helm';
import { clusterWith, disposeChart, ofKind, renderError, renderWith } from './scenarios';

afterAll(() => disposeChart());

const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
type Trigger = { type: string; metadata: Record<string, string>; metricType?: string; authenticationRef?: { name: string } };
const triggers = (so: K8sObject) => (so.spec as { triggers: Trigger[] }).triggers;
const set = (...pairs: string[]) => pairs.flatMap((p) => ['--set', p]);
const setJson = (...pairs: string[]) => pairs.flatMap((p) => ['--set-json', p]);

describe('ServiceMonitors and the PrometheusRule need the Prometheus Operator', () => {
  it('fail an install into a cluster without its CRDs when kube-prometheus-stack is not in the release', () => {
    expect(renderError('prometheus-trigger', clusterWith('keda.sh/v1alpha1'))).toMatch(
      /monitoring\.coreos\.com\/v1.*not in the cluster.*global\.monitoring\.serviceMonitor\.enabled=false.*alerts\.enabled=false/s,
    );
    expect(ofKind(renderWith('prometheus-trigger', clusterWith('keda.sh/v1alpha1', 'monitoring.coreos.com/v1')), 'ServiceMonitor').length).toBeGreaterThan(0);
  });

  it('refuse ServiceMonitors labelled for this release when this release installs no kube-prometheus-stack to select them', () => {
    expect(renderError('default', set('kube-prometheus-stack.enabled=false', 'global.prometheus.serverAddress=http://prometheus.monitoring.svc:9090'))).toMatch(
      /global\.monitoring\.serviceMonitor\.prometheusRelease.*kube-prometheus-stack\.enabled=false/s,
    );
  });
});

describe('the Prometheus the triggers query must exist', () => {
  const noStack = set('kube-prometheus-stack.enabled=false', 'global.monitoring.serviceMonitor.prometheusRelease=monitoring');

  it('fails when serverAddress defaults to an in-release Prometheus that is not installed', () => {
    expect(renderError('default', noStack)).toMatch(/global\.prometheus\.serverAddress is empty.*kube-prometheus-stack\.enabled=false/s);
  });

  it('needs no Prometheus when no trigger queries one', () => {
    const objects = renderWith('default', [...noStack, ...set('inference.defaults.autoscaling.backlog.type=redis')]);
    expect(
      ofKind(objects, 'ScaledObject')
        .flatMap(triggers)
        .map((t) => t.type),
    ).not.toContain('prometheus');
  });
});

describe('LOKI_URL must point at a Loki that exists', () => {
  it('fails when it would default to an in-release Loki that is not installed', () => {
    expect(renderError('default', set('loki.enabled=false'))).toMatch(/global\.logs\.inReleaseLoki=true.*loki\.enabled=false.*global\.logs\.lokiUrl/s);
  });

  it('sets no LOKI_URL when logs go nowhere', () => {
    const objects = renderWith('default', set('loki.enabled=false', 'global.logs.inReleaseLoki=false'));
    for (const d of ofKind(objects, 'Deployment').filter((o) => o.metadata.labels?.['app.kubernetes.io/part-of'] === 'autoscaled-inference')) {
      const env = (d.spec as { template: { spec: { containers: { env: { name: string }[] }[] } } }).template.spec.containers[0].env;
      expect(env.map((e) => e.name)).not.toContain('LOKI_URL');
    }
  });
});

describe('the redis backlog trigger with an external Redis', () => {
  it('takes the address from the external URL, the password from the Secret the chart creates, and TLS from rediss://', () => {
    const objects = renderWith('external-redis', set('inference.defaults.autoscaling.backlog.type=redis'));
    const [, redis] = triggers(named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn'));
    expect(redis).toEqual({
      type: 'redis',
      metadata: { address: 'redis.example.internal:6380', enableTLS: 'true', listName: 'bull:digits-cnn:wait', listLength: '10', activationListLength: '0' },
      authenticationRef: { name: 'autoscaled-inference-inference-digits-cnn-redis' },
    });
    expect(named(objects, 'TriggerAuthentication', 'autoscaled-inference-inference-digits-cnn-redis').spec).toEqual({
      secretTargetRef: [{ parameter: 'password', name: 'autoscaled-inference-external-redis', key: 'redis-password' }],
    });
    const secret = named(objects, 'Secret', 'autoscaled-inference-external-redis').data as Record<string, string>;
    expect(Buffer.from(secret['redis-password'], 'base64').toString()).toBe('example-only');
    // Nothing points at the in-chart Redis, which is not deployed.
    expect(JSON.stringify(ofKind(objects, 'ScaledObject'))).not.toContain('autoscaled-inference-redis.');
  });

  it('with an existing Secret, needs the address and password Secret spelled out', () => {
    expect(
      renderError(
        'external-redis',
        set('global.externalRedis.url=', 'global.externalRedis.existingSecret=my-redis', 'inference.defaults.autoscaling.backlog.type=redis'),
      ),
    ).toMatch(/backlog\.type=redis with global\.externalRedis\.existingSecret.*backlog\.redis\.address.*backlog\.redis\.passwordSecret\.name/s);
    const objects = renderWith(
      'external-redis',
      set(
        'global.externalRedis.url=',
        'global.externalRedis.existingSecret=my-redis',
        'inference.defaults.autoscaling.backlog.type=redis',
        'inference.defaults.autoscaling.backlog.redis.address=redis.internal:6379',
        'inference.defaults.autoscaling.backlog.redis.passwordSecret.name=my-redis-password',
      ),
    );
    const [, redis] = triggers(named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn'));
    expect(redis.metadata.address).toBe('redis.internal:6379');
    expect(redis.metadata.enableTLS).toBeUndefined();
  });
});

describe('ScaledObjects KEDA would reject', () => {
  it('a ScaledObject without any trigger fails', () => {
    expect(renderError('default', set('inference.defaults.autoscaling.cpu.enabled=false', 'inference.defaults.autoscaling.backlog.type=none'))).toMatch(
      /autoscaling.*has no trigger.*cpu\.enabled.*backlog\.type.*latency\.enabled/s,
    );
  });

  it('a fallback without failureThreshold and replicas fails', () => {
    expect(
      renderError('default', [
        ...set('inference.defaults.autoscaling.cpu.enabled=false'),
        ...setJson('inference.defaults.autoscaling.fallback={"replicas":2}'),
      ]),
    ).toMatch(/fallback.*failureThreshold/s);
  });

  it('a fallback beside the cpu trigger fails, as KEDA refuses it', () => {
    expect(renderError('default', setJson('inference.defaults.autoscaling.fallback={"failureThreshold":3,"replicas":2}'))).toMatch(
      /fallback.*cpu\.enabled=false/s,
    );
  });

  it('a complete fallback on AverageValue triggers renders, with metricType spelled out', () => {
    const objects = renderWith('default', [
      ...set('inference.defaults.autoscaling.cpu.enabled=false'),
      ...setJson('inference.defaults.autoscaling.fallback={"failureThreshold":3,"replicas":2}'),
    ]);
    const so = named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn');
    expect((so.spec as { fallback: unknown }).fallback).toEqual({ failureThreshold: 3, replicas: 2 });
    for (const t of triggers(so)) expect(t.metricType).toBe('AverageValue');
  });
});

describe('dispatcher values the schema checks', () => {
  it.each([
    [set('dispatcher.enabled=false'), /dispatcher.*enabled/],
    [set('dispatcher.replicas=abc'), /dispatcher\/replicas/],
    [set('dispatcher.replicas=0'), /dispatcher\/replicas/],
    [set('dispatcher.role=both'), /dispatcher\/role/],
  ])('helm template %j fails', (args, message) => {
    expect(renderError('default', args as string[])).toMatch(message as RegExp);
  });
});
