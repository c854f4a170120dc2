/**
 * Renders the umbrella chart for every scenario under ci/ with `helm lint` and `helm template`, validates
 * every object against the Kubernetes and KEDA schemas, and checks what each scenario must produce.
 *
 * Offline: the remote dependencies (kube-prometheus-stack, loki, keda) are removed from a copy of the chart
 * before rendering, because Helm resolves every declared dependency, even one whose condition is false, and
 * they cannot be downloaded here. So they are templated as disabled; their own manifests are not checked.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR, K8sObject, helmLint, helmTemplate, helmTemplateError, parseManifests, remoteDependencies } from '../tools/helm';
import { undocumentedKeys } from '../tools/values-comments';
import { chartDir, disposeChart, ofKind, render, scenarioFile, SCENARIOS, validateObjects } from './scenarios';

afterAll(() => disposeChart());

type Container = {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  resources?: { limits?: Record<string, unknown> };
  securityContext?: Record<string, unknown>;
  command?: string[];
};
type PodSpec = {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  volumes?: Record<string, unknown>[];
};
const podSpec = (o: K8sObject) => (o.spec as { template: { spec: PodSpec } }).template.spec;
const named = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const triggers = (so: K8sObject) =>
  (so.spec as { triggers: { type: string; metadata: Record<string, string>; metricType?: string; authenticationRef?: { name: string } }[] }).triggers;
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name);
const MONITORING_KINDS = new Set(['ServiceMonitor', 'PrometheusRule']);

it('the offline renders leave out exactly the remote dependencies', () => {
  expect(remoteDependencies().sort()).toEqual(['dcgm-exporter', 'keda', 'kube-prometheus-stack', 'loki']);
});

it.each(SCENARIOS)('scenario %s passes helm lint --strict', (scenario) => {
  expect(helmLint(chartDir(), [scenarioFile(scenario)])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
});

it.each(SCENARIOS)('scenario %s renders only objects valid against the Kubernetes and KEDA schemas', (scenario) => {
  const objects = render(scenario);
  expect(objects.length).toBeGreaterThan(5);
  // No schema package for the Prometheus Operator CRDs is installed: those are checked by shape below.
  const results = validateObjects(objects.filter((o) => !MONITORING_KINDS.has(o.kind)));
  expect(results.filter((r) => r.error)).toEqual([]);
  for (const o of objects.filter((x) => MONITORING_KINDS.has(x.kind))) {
    expect(o.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(o.spec).toEqual(expect.any(Object));
  }
});

it.each(SCENARIOS)('scenario %s runs every app pod non-root on a read-only root filesystem with the tested start command', (scenario) => {
  for (const o of render(scenario).filter((x) => ['Deployment', 'StatefulSet', 'Job'].includes(x.kind))) {
    const spec = podSpec(o);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    for (const c of spec.containers) {
      expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      // Redis runs its image's entrypoint; the uninstall hook runs kubectl.
      if (c.name === 'kubectl') expect(c.command).toEqual(['kubectl']);
      else if (c.name !== 'redis') expect(c.command).toEqual(['node', `dist/apps/${c.name}/main.js`]);
    }
  }
});

it.each(SCENARIOS)('scenario %s holds no admin/admin and no default password', (scenario) => {
  const objects = render(scenario);
  const text = JSON.stringify(objects);
  expect(text).not.toMatch(/admin\/admin|"adminPassword"|prom-operator/);
  // The external Redis Secret holds what the user's URL says.
  for (const secret of ofKind(objects, 'Secret').filter((s) => s.metadata.name !== 'autoscaled-inference-external-redis')) {
    for (const [key, value] of Object.entries((secret.data ?? {}) as Record<string, string>)) {
      const plain = Buffer.from(value, 'base64').toString();
      if (/password|api-keys/.test(key)) expect(plain).toMatch(/^[A-Za-z0-9]{24,}$/);
    }
  }
});

describe('default scenario (KEDA, kube-prometheus-stack and Loki in the same release)', () => {
  const objects = () => render('default');

  it("applies KEDA objects as ordinary release resources (KEDA's CRDs are applied before the release)", () => {
    const so = named(objects(), 'ScaledObject', 'autoscaled-inference-inference-digits-cnn');
    expect(so.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
  });

  it('scales each model on CPU at 70 % and on its whole backlog in Prometheus, 1 to 5 replicas, 30 s up and 60 s down', () => {
    const so = named(objects(), 'ScaledObject', 'autoscaled-inference-inference-digits-cnn');
    expect(so.spec).toMatchObject({
      scaleTargetRef: { name: 'autoscaled-inference-inference-digits-cnn' },
      minReplicaCount: 1,
      maxReplicaCount: 5,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleUp: { stabilizationWindowSeconds: 30 }, scaleDown: { stabilizationWindowSeconds: 60 } } } },
    });
    const [cpu, backlog] = triggers(so);
    expect(cpu).toMatchObject({ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } });
    expect(backlog).toMatchObject({
      type: 'prometheus',
      metadata: {
        // One reading of the queue per state (every dispatcher pod reports all of it), this release's only.
        query:
          'sum(max by (state) (dispatcher_queue_depth{namespace="autoscaled-inference",job="autoscaled-inference-dispatcher",model="digits-cnn",state=~"waiting|prioritized|active"}))',
        threshold: '10',
        // kube-prometheus-stack cuts its fullname to 26 characters: "<release>-kube-prometheus-stack" → "autoscaled-inference-kube".
        serverAddress: 'http://autoscaled-inference-kube-prometheus.autoscaled-inference.svc:9090',
      },
    });
  });

  it('labels every ServiceMonitor with this release so kube-prometheus-stack selects it', () => {
    const monitors = ofKind(objects(), 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual([
      'autoscaled-inference-dispatcher',
      'autoscaled-inference-inference-digits-cnn',
      'autoscaled-inference-inference-tiny-lm',
    ]);
    for (const m of monitors) expect(m.metadata.labels?.release).toBe('autoscaled-inference');
    expect(named(objects(), 'PrometheusRule', 'autoscaled-inference-alerts').metadata.labels?.release).toBe('autoscaled-inference');
  });

  it('runs Redis with AOF, noeviction and the password from a generated Secret', () => {
    const redis = named(objects(), 'StatefulSet', 'autoscaled-inference-redis');
    const args = (podSpec(redis).containers[0] as Container & { args: string[] }).args;
    expect(args.join(' ')).toContain('--appendonly yes');
    expect(args.join(' ')).toContain('--maxmemory-policy noeviction');
    expect(args.join(' ')).toContain('--requirepass $(REDIS_PASSWORD)');
    expect(named(objects(), 'Secret', 'autoscaled-inference-redis').data).toHaveProperty('redis-password');
    const dispatcher = podSpec(named(objects(), 'Deployment', 'autoscaled-inference-dispatcher')).containers[0];
    expect(env(dispatcher, 'REDIS_URL')?.value).toBe('redis://:$(REDIS_PASSWORD)@autoscaled-inference-redis.autoscaled-inference.svc:6379');
    expect(env(dispatcher, 'INFERENCE_URLS')?.value).toBe(
      'digits-cnn=http://autoscaled-inference-inference-digits-cnn:8080,tiny-lm=http://autoscaled-inference-inference-tiny-lm:8080',
    );
  });

  it('deploys the text-generation model beside the classifier: larger resources, latest version, its own ScaledObject of at most 3 replicas on its own backlog', () => {
    const deployments = ofKind(objects(), 'Deployment')
      .map((d) => d.metadata.name)
      .filter((n) => n.startsWith('autoscaled-inference-inference-'));
    expect(deployments.sort()).toEqual(['autoscaled-inference-inference-digits-cnn', 'autoscaled-inference-inference-tiny-lm']);
    const lm = podSpec(named(objects(), 'Deployment', 'autoscaled-inference-inference-tiny-lm')).containers[0];
    expect(lm.resources).toEqual({ requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(env(lm, 'MODEL_NAME')?.value).toBe('tiny-lm');
    expect(env(lm, 'MODEL_VERSION')).toBeUndefined();
    expect(env(lm, 'MAX_TOTAL_TOKENS')?.value).toBe('256');
    const cnn = podSpec(named(objects(), 'Deployment', 'autoscaled-inference-inference-digits-cnn')).containers[0];
    expect(cnn.resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    expect(env(cnn, 'MODEL_VERSION')?.value).toBe('2');

    const so = named(objects(), 'ScaledObject', 'autoscaled-inference-inference-tiny-lm');
    expect(so.spec).toMatchObject({ scaleTargetRef: { name: 'autoscaled-inference-inference-tiny-lm' }, minReplicaCount: 1, maxReplicaCount: 3 });
    expect(triggers(so)[1].metadata).toMatchObject({
      query:
        'sum(max by (state) (dispatcher_queue_depth{namespace="autoscaled-inference",job="autoscaled-inference-dispatcher",model="tiny-lm",state=~"waiting|prioritized|active"}))',
      threshold: '4',
    });
    expect(named(objects(), 'ScaledObject', 'autoscaled-inference-inference-digits-cnn').spec).toMatchObject({ maxReplicaCount: 5 });
  });

  it('probes inference on /healthz and /readyz, keeps /tmp writable and bakes models into the image', () => {
    const spec = podSpec(named(objects(), 'Deployment', 'autoscaled-inference-inference-digits-cnn'));
    const c = spec.containers[0] as Container & Record<string, { httpGet: { path: string } }>;
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    // The startup probe gates on the model being loaded and warmed up (/readyz), so liveness starts only after
    // it; /healthz answers 200 while the model is still loading.
    expect(c.startupProbe.httpGet.path).toBe('/readyz');
    expect(spec.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) }));
    expect(env(c, 'MODEL_REPOSITORY')?.value).toBe('models');
    expect(env(c, 'MODEL_VERSION')?.value).toBe('2');
    expect(env(c, 'LOKI_URL')?.value).toBe('http://autoscaled-inference-loki.autoscaled-inference.svc:3100');
    expect(named(objects(), 'PodDisruptionBudget', 'autoscaled-inference-inference-digits-cnn').spec).toMatchObject({ maxUnavailable: 1 });
  });

  it('drains inference on SIGTERM: unready first, then in-flight requests finish, all inside the grace period', () => {
    const spec = podSpec(named(objects(), 'Deployment', 'autoscaled-inference-inference-digits-cnn'));
    const drainMs = Number(env(spec.containers[0], 'DRAIN_DELAY_MS')?.value);
    const graceMs = Number(env(spec.containers[0], 'SHUTDOWN_GRACE_MS')?.value);
    expect(drainMs).toBeGreaterThan(0);
    expect(drainMs + graceMs).toBeLessThan((spec.terminationGracePeriodSeconds ?? 30) * 1000);
  });

  it('ships the dashboards with the sidecar label, a Loki datasource and a Grafana admin Secret', () => {
    const dashboards = ofKind(objects(), 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1');
    expect(dashboards.map((d) => Object.keys(d.data as object)[0]).sort()).toEqual(['logs.json', 'overview.json']);
    expect(ofKind(objects(), 'ConfigMap').some((c) => c.metadata.labels?.grafana_datasource === '1')).toBe(true);
    const admin = named(objects(), 'Secret', 'autoscaled-inference-grafana-admin');
    expect(Object.keys(admin.data as object).sort()).toEqual(['admin-password', 'admin-user']);
  });

  it('creates no NetworkPolicy unless asked', () => {
    expect(ofKind(objects(), 'NetworkPolicy')).toEqual([]);
  });
});

describe('KEDA separate-release scenario', () => {
  it('renders ScaledObjects as ordinary release resources (no hooks) and scrape annotations instead of ServiceMonitors', () => {
    const objects = render('keda-separate-release');
    const so = named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn');
    expect(so.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    expect(triggers(so)[1].metadata.serverAddress).toBe('http://prometheus-server.monitoring.svc:80');
    expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
    expect(ofKind(objects, 'PrometheusRule')).toEqual([]);
    const pod = (
      named(objects, 'Deployment', 'autoscaled-inference-inference-digits-cnn').spec as { template: { metadata: { annotations: Record<string, string> } } }
    ).template.metadata;
    expect(pod.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080' });
    expect(env(podSpec(named(objects, 'Deployment', 'autoscaled-inference-dispatcher')).containers[0], 'LOKI_URL')).toBeUndefined();
  });
});

describe('GPU scenario', () => {
  it('gives the GPU model an nvidia.com/gpu limit, the GPU image, CUDA, node selector and tolerations; the CPU model none', () => {
    const objects = render('gpu');
    const lm = podSpec(named(objects, 'Deployment', 'autoscaled-inference-inference-tiny-lm'));
    expect(lm.containers[0].resources?.limits).toMatchObject({ 'nvidia.com/gpu': 1, cpu: '2', memory: '2Gi' });
    expect(lm.containers[0].image).toBe('ghcr.io/autoscaled-inference/inference-gpu:0.1.0');
    expect(env(lm.containers[0], 'ORT_PROVIDERS')?.value).toBe('cuda');
    expect(lm.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
    expect(lm.tolerations).toContainEqual({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' });
    const cnn = podSpec(named(objects, 'Deployment', 'autoscaled-inference-inference-digits-cnn'));
    expect(cnn.containers[0].resources?.limits).not.toHaveProperty('nvidia.com/gpu');
    expect(cnn.containers[0].image).toBe('ghcr.io/autoscaled-inference/inference:0.1.0');
    expect(named(objects, 'ScaledObject', 'autoscaled-inference-inference-tiny-lm').spec).toMatchObject({ maxReplicaCount: 3 });
    // The optional GPU trigger: the DCGM exporter's utilisation of this Deployment's pods, 80 % per replica.
    const gpu = triggers(named(objects, 'ScaledObject', 'autoscaled-inference-inference-tiny-lm')).find((t) => t.metadata.query?.includes('DCGM'));
    expect(gpu?.metadata).toMatchObject({
      query: 'sum(DCGM_FI_DEV_GPU_UTIL{namespace="autoscaled-inference",pod=~"autoscaled-inference-inference-tiny-lm-[a-z0-9]+-[a-z0-9]{5}"})',
      threshold: '80',
    });
    expect(triggers(named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn')).some((t) => t.metadata.query?.includes('DCGM'))).toBe(false);
    expect(env(podSpec(named(objects, 'Deployment', 'autoscaled-inference-dispatcher')).containers[0], 'INFERENCE_URLS')?.value).toBe(
      'digits-cnn=http://autoscaled-inference-inference-digits-cnn:8080,tiny-lm=http://autoscaled-inference-inference-tiny-lm:8080',
    );
  });
});

describe('external Redis scenario', () => {
  it('deploys no Redis and gives the apps REDIS_URL from a Secret', () => {
    const objects = render('external-redis');
    expect(ofKind(objects, 'StatefulSet')).toEqual([]);
    expect(objects.some((o) => o.metadata.name === 'autoscaled-inference-redis')).toBe(false);
    const secret = named(objects, 'Secret', 'autoscaled-inference-external-redis');
    expect(Buffer.from((secret.data as Record<string, string>)['redis-url'], 'base64').toString()).toMatch(/^rediss:\/\//);
    const dispatcher = podSpec(named(objects, 'Deployment', 'autoscaled-inference-dispatcher')).containers[0];
    expect(env(dispatcher, 'REDIS_URL')?.valueFrom).toEqual({ secretKeyRef: { name: 'autoscaled-inference-external-redis', key: 'redis-url' } });
  });
});

describe('Prometheus-trigger scenario (Mimir with basic auth)', () => {
  const objects = () => render('prometheus-trigger');

  it('authenticates the prometheus triggers through a TriggerAuthentication on the given Secret', () => {
    const auth = named(objects(), 'TriggerAuthentication', 'autoscaled-inference-prometheus-auth');
    expect(auth.spec).toEqual({
      secretTargetRef: [
        { parameter: 'username', name: 'mimir-basic-auth', key: 'username' },
        { parameter: 'password', name: 'mimir-basic-auth', key: 'password' },
      ],
    });
    const [, backlog, latency] = triggers(named(objects(), 'ScaledObject', 'autoscaled-inference-inference-digits-cnn'));
    for (const t of [backlog, latency]) {
      expect(t.metadata).toMatchObject({ authModes: 'basic', serverAddress: 'http://mimir-gateway.mimir.svc:8080/prometheus' });
      expect(t.authenticationRef).toEqual({ name: 'autoscaled-inference-prometheus-auth' });
    }
    expect(latency).toMatchObject({
      metricType: 'Value',
      metadata: {
        query:
          '(histogram_quantile(0.99, sum by (le) (rate(dispatcher_e2e_latency_seconds_bucket{namespace="autoscaled-inference",job="autoscaled-inference-dispatcher",model="digits-cnn"}[1m]))) >= 0) or vector(0)',
        threshold: '0.33',
      },
    });
  });

  it('labels ServiceMonitors for the separate monitoring release, scales the dispatcher and protects inference and Redis', () => {
    for (const m of ofKind(objects(), 'ServiceMonitor')) expect(m.metadata.labels?.release).toBe('monitoring');
    expect(triggers(named(objects(), 'ScaledObject', 'autoscaled-inference-dispatcher')).map((t) => t.type)).toEqual(['cpu', 'prometheus']);
    const policies = ofKind(objects(), 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(['autoscaled-inference-inference-digits-cnn', 'autoscaled-inference-redis']);
    const inference = named(objects(), 'NetworkPolicy', 'autoscaled-inference-inference-digits-cnn').spec as {
      ingress: { from: { podSelector?: { matchLabels: Record<string, string> } }[] }[];
    };
    expect(inference.ingress[0].from[0].podSelector?.matchLabels).toEqual({
      'app.kubernetes.io/name': 'dispatcher',
      'app.kubernetes.io/instance': 'autoscaled-inference',
    });
    const apiKeys = named(objects(), 'Secret', 'autoscaled-inference-dispatcher-api-keys');
    expect(apiKeys.data).toHaveProperty('api-keys');
    expect(env(podSpec(named(objects(), 'Deployment', 'autoscaled-inference-dispatcher')).containers[0], 'API_KEYS')?.valueFrom).toEqual({
      secretKeyRef: { name: 'autoscaled-inference-dispatcher-api-keys', key: 'api-keys' },
    });
  });
});

describe('redis-trigger scenario', () => {
  it("uses KEDA's redis list scaler on bull:<model>:wait with the Redis password from a TriggerAuthentication", () => {
    const objects = render('redis-trigger');
    const so = named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn');
    expect(triggers(so)[1]).toEqual({
      type: 'redis',
      metadata: {
        address: 'autoscaled-inference-redis.autoscaled-inference.svc:6379',
        listName: 'bull:digits-cnn:wait',
        listLength: '10',
        activationListLength: '0',
      },
      authenticationRef: { name: 'autoscaled-inference-inference-digits-cnn-redis' },
    });
    const auth = named(objects, 'TriggerAuthentication', 'autoscaled-inference-inference-digits-cnn-redis');
    expect(auth.spec).toEqual({ secretTargetRef: [{ parameter: 'password', name: 'autoscaled-inference-redis', key: 'redis-password' }] });
    expect(auth.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
  });
});

describe('scale-to-zero scenario', () => {
  it('lets KEDA scale to zero, counting delayed (retrying) jobs as backlog, with models from a hostPath and a load-test Job', () => {
    const objects = render('scale-to-zero');
    const so = named(objects, 'ScaledObject', 'autoscaled-inference-inference-digits-cnn');
    expect(so.spec).toMatchObject({ minReplicaCount: 0, cooldownPeriod: 300 });
    expect(triggers(so)[1].metadata.query).toBe(
      'sum(max by (state) (dispatcher_queue_depth{namespace="autoscaled-inference",job="autoscaled-inference-dispatcher",model="digits-cnn",state=~"waiting|prioritized|active|delayed"}))',
    );
    const spec = podSpec(named(objects, 'Deployment', 'autoscaled-inference-inference-digits-cnn'));
    expect(spec.volumes).toContainEqual({ name: 'models', hostPath: { path: '/data/models', type: 'Directory' } });
    expect(env(spec.containers[0], 'MODEL_REPOSITORY')?.value).toBe('/models');
    const job = named(objects, 'Job', 'autoscaled-inference-load-tester-1');
    expect((podSpec(job).containers[0] as Container & { args: string[] }).args.join(' ')).toBe(
      'run --workload workloads/spike.txt --target http://autoscaled-inference-dispatcher:3000 --model digits-cnn --collect poll --out /tmp/reports --progress false',
    );
  });

  it('refuses minReplicaCount 0 with only a CPU trigger, which KEDA cannot wake from zero', () => {
    expect(helmTemplateError(chartDir(), [scenarioFile('scale-to-zero')], ['--set', 'inference.defaults.autoscaling.backlog.type=none'])).toMatch(
      /minReplicaCount 0 needs a trigger other than cpu/,
    );
  });
});

describe('hpa mode (no KEDA)', () => {
  it('renders a plain autoscaling/v2 HPA on CPU with the same bounds and windows, and models from a PVC', () => {
    const objects = render('hpa-mode');
    expect(ofKind(objects, 'ScaledObject')).toEqual([]);
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'autoscaled-inference-inference-digits-cnn');
    expect(hpa.spec).toMatchObject({ minReplicas: 1, maxReplicas: 5, behavior: { scaleUp: { stabilizationWindowSeconds: 30 } } });
    expect(podSpec(named(objects, 'Deployment', 'autoscaled-inference-inference-digits-cnn')).volumes).toContainEqual({
      name: 'models',
      persistentVolumeClaim: { claimName: 'models', readOnly: true },
    });
  });
});

describe('contradicting values fail with a message naming them', () => {
  it.each([
    [['--set', 'keda.enabled=false'], /sameRelease installs KEDA with this release/],
    [['--set', 'global.keda.mode=separateRelease'], /separateRelease expects KEDA installed on its own/],
    [['--set', 'redis.enabled=false'], /needs global.externalRedis/],
    // values.schema.json answers these before the templates do.
    [['--set', 'global.models[0].name=Bad_Name'], /global\/models\/0\/name.*does not match pattern/],
    [['--set', 'global.keda.mode=sideways'], /global\/keda\/mode.*must be one of/],
    [['--set', 'inference.defaults.autoscaling.backlog.type=redsi'], /backlog\/type.*must be one of/],
    [['--set', 'redis.password=has spaces'], /redis\/password.*does not match pattern/],
  ])('helm template %j fails', (args, message) => {
    expect(helmTemplateError(chartDir(), [scenarioFile('default')], args as string[])).toMatch(message as RegExp);
  });
});

describe('values files', () => {
  it.each(['.', 'charts/inference', 'charts/dispatcher', 'charts/load-tester', 'charts/redis'])('%s/values.yaml comments every value with ##', (dir) => {
    expect(undocumentedKeys(readFileSync(join(CHART_DIR, dir, 'values.yaml'), 'utf8'))).toEqual([]);
  });

  it('the comment check finds an undocumented key, so the test above can fail', () => {
    expect(undocumentedKeys('## documented\na: 1\nb:\n  ## documented\n  c: 2\n  d: 3\n')).toEqual(['line 3: b', 'line 6: b.d']);
  });
});

describe('per-model overrides', () => {
  it('an entry of global.models overrides any default, false and 0 included', () => {
    const models = [
      { name: 'a', pdb: { enabled: false }, autoscaling: { enabled: false } },
      { name: 'b', autoscaling: { minReplicaCount: 0, cpu: { enabled: false } } },
    ];
    const objects = parseManifests(helmTemplate(chartDir(), [scenarioFile('default')], ['--set-json', `global.models=${JSON.stringify(models)}`]));
    expect(ofKind(objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).not.toContain('autoscaled-inference-inference-a');
    expect(ofKind(objects, 'ScaledObject').map((s) => s.metadata.name)).toEqual(['autoscaled-inference-inference-b']);
    expect((named(objects, 'Deployment', 'autoscaled-inference-inference-a').spec as { replicas: number }).replicas).toBe(1);
    expect(named(objects, 'Deployment', 'autoscaled-inference-inference-b').spec).not.toHaveProperty('replicas');
    const b = named(objects, 'ScaledObject', 'autoscaled-inference-inference-b');
    expect(b.spec).toMatchObject({ minReplicaCount: 0 });
    expect(triggers(b).map((t) => t.type)).toEqual(['prometheus']);
  });
});
