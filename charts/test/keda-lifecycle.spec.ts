/**
 * KEDA objects through a release's life: install, upgrade, rollback and uninstall.
 *
 * sameRelease installs KEDA with this release, but not KEDA's CRDs: those are applied first (README, step 1), so
 * ScaledObjects and TriggerAuthentications are ordinary release resources (upgraded in place, restored by
 * rollback, deleted by uninstall), and a pre-delete hook Job deletes them, and waits for KEDA to release their
 * finalizers, before Helm deletes the operator. Plain helm template renders no lookups and reports no cluster
 * APIs, so the install-time checks are rendered as `helm install` renders them: against a stand-in API server
 * (helm template --dry-run=server), and with the `--api-versions` a cluster reports.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLUSTER_APIS, startFakeCluster, type SeededObject } from '../tools/fake-kube-api';
import { CHART_DIR, K8sObject, parseManifests } from '../tools/helm';
import { chartDir, clusterWith, disposeChart, ofKind, render, renderError, renderWith, scenarioFile } from './scenarios';

afterAll(() => disposeChart());

const KEDA_KINDS = ['ScaledObject', 'TriggerAuthentication'];
const kedaObjects = (objects: K8sObject[]) => objects.filter((o) => KEDA_KINDS.includes(o.kind));
const hooks = (objects: K8sObject[]) => objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']);
type Container = { name: string; image: string; command?: string[]; args?: string[]; env?: { name: string; value?: string }[] };
type JobSpec = {
  backoffLimit: number;
  activeDeadlineSeconds: number;
  template: { spec: { serviceAccountName: string; automountServiceAccountToken?: boolean; containers: Container[]; securityContext: Record<string, unknown> } };
};

describe('sameRelease (KEDA installed by this release)', () => {
  // Every KEDA object the chart can render: models with redis and prometheus backlogs, basic auth, the dispatcher's ScaledObject.
  const everything = () =>
    renderWith('default', [
      '--set',
      'global.prometheus.basicAuth.enabled=true',
      '--set',
      'global.prometheus.basicAuth.existingSecret=auth',
      '--set',
      'dispatcher.autoscaling.enabled=true',
      '--set-json',
      'global.models=[{"name":"a"},{"name":"b","autoscaling":{"backlog":{"type":"redis"}}}]',
    ]);

  it('renders ScaledObjects and TriggerAuthentications as ordinary resources, so upgrades patch them and rollbacks restore them', () => {
    const objects = kedaObjects(everything());
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ScaledObject/autoscaled-inference-dispatcher',
      'ScaledObject/autoscaled-inference-inference-a',
      'ScaledObject/autoscaled-inference-inference-b',
      'TriggerAuthentication/autoscaled-inference-inference-b-redis',
      'TriggerAuthentication/autoscaled-inference-prometheus-auth',
    ]);
    for (const o of objects) expect([o.kind, o.metadata.name, o.metadata.annotations?.['helm.sh/hook']]).toEqual([o.kind, o.metadata.name, undefined]);
  });

  it("leaves KEDA's CRDs out of the KEDA chart's templates: they are applied before the release (and outlive it)", () => {
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
    expect(values.keda.crds).toEqual({ install: false });
  });

  it('deletes its ScaledObjects and TriggerAuthentications in a pre-delete hook, while KEDA still runs to remove their finalizers', () => {
    const objects = render('default');
    const byKind = Object.fromEntries(hooks(objects).map((o) => [o.kind, o]));
    expect(Object.keys(byKind).sort()).toEqual(['Job', 'Role', 'RoleBinding', 'ServiceAccount']);
    for (const o of Object.values(byKind)) {
      expect(o.metadata.name).toBe('autoscaled-inference-keda-cleanup');
      expect(o.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-delete', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    }
    // RBAC first, then the Job.
    const weight = (kind: string) => Number(byKind[kind].metadata.annotations?.['helm.sh/hook-weight']);
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) expect(weight(kind)).toBeLessThan(weight('Job'));

    const job = byKind.Job.spec as JobSpec;
    const pod = job.template.spec;
    expect(pod.serviceAccountName).toBe('autoscaled-inference-keda-cleanup');
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    const [kubectl] = pod.containers;
    expect(kubectl.image).toMatch(/^registry\.k8s\.io\/kubectl:v\d+\.\d+\.\d+$/);
    expect([...(kubectl.command ?? []), ...(kubectl.args ?? [])]).toEqual([
      'kubectl',
      'delete',
      'scaledobjects.keda.sh,triggerauthentications.keda.sh',
      '--namespace',
      'autoscaled-inference',
      '--selector',
      'app.kubernetes.io/instance=autoscaled-inference',
      '--ignore-not-found',
      '--wait=true',
      '--timeout=120s',
    ]);
    // kubectl's own timeout ends first, so a stuck finalizer fails the hook with kubectl's message.
    expect(job.activeDeadlineSeconds).toBeGreaterThan(120);

    expect((byKind.Role as K8sObject & { rules: unknown[] }).rules).toEqual([
      { apiGroups: ['keda.sh'], resources: ['scaledobjects', 'triggerauthentications'], verbs: ['get', 'list', 'watch', 'delete'] },
    ]);
    expect(byKind.RoleBinding).toMatchObject({
      roleRef: { kind: 'Role', name: 'autoscaled-inference-keda-cleanup' },
      subjects: [{ kind: 'ServiceAccount', name: 'autoscaled-inference-keda-cleanup', namespace: 'autoscaled-inference' }],
    });
  });

  it('labels every KEDA object with the release instance the hook deletes by', () => {
    for (const o of kedaObjects(everything())) expect(o.metadata.labels?.['app.kubernetes.io/instance']).toBe('autoscaled-inference');
  });

  it("refuses to install into a cluster without KEDA's CRDs, saying how to apply them", () => {
    expect(renderError('default', clusterWith('monitoring.coreos.com/v1'))).toMatch(
      /KEDA's CRDs \(keda\.sh\/v1alpha1\) are not in the cluster.*keda-.*-crds\.yaml/s,
    );
    expect(kedaObjects(renderWith('default', clusterWith('monitoring.coreos.com/v1', 'keda.sh/v1alpha1'))).length).toBeGreaterThan(0);
  });

  it('says nothing in NOTES about deleting leftover hook objects by hand', () => {
    const notes = readFileSync(join(CHART_DIR, 'templates', 'NOTES.txt'), 'utf8');
    expect(notes).not.toMatch(/post-install hooks|after `helm uninstall`, delete them/);
  });
});

describe('other modes need no cleanup hook', () => {
  it.each([
    ['keda-separate-release', []],
    ['hpa-mode', []],
    ['default', ['--set', 'global.keda.mode=none', '--set', 'keda.enabled=false']],
  ])('%s %j renders no Helm hook', (scenario, args) => {
    expect(hooks(renderWith(scenario, args as string[]))).toEqual([]);
  });
});

/**
 * The install-time checks as `helm install` runs them: `helm template --dry-run=server` against a stand-in API
 * server (tools/fake-kube-api.ts), whose discovery sets .Capabilities and whose GETs answer `lookup`.
 */
describe('helm install against a cluster (helm template --dry-run=server on a stand-in API server)', () => {
  const owned = (apiVersion: string, kind: string, name: string, release?: string, namespace?: string): SeededObject => ({
    apiVersion,
    kind,
    metadata: { name, ...(release && { annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace! } }) },
  });
  const LOOKUPS = [
    'GET /apis/apiregistration.k8s.io/v1/apiservices/v1beta1.external.metrics.k8s.io',
    'GET /apis/rbac.authorization.k8s.io/v1/clusterroles/keda-operator',
    'GET /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/keda-admission',
  ];
  async function install(scenario: string, cluster: Parameters<typeof startFakeCluster>[0] = {}) {
    const fake = await startFakeCluster(cluster);
    try {
      const result = await fake.helmTemplate(chartDir(), [scenarioFile(scenario)]);
      return { ...result, requests: [...fake.requests] };
    } finally {
      await fake.close();
    }
  }
  const without = (gv: string) => Object.fromEntries(Object.entries(CLUSTER_APIS).filter(([k]) => k !== gv));

  it("installs on a cluster with KEDA's CRDs, after looking up the cluster-scoped names the KEDA chart creates", async () => {
    const result = await install('default');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(kedaObjects(parseManifests(result.stdout)).length).toBeGreaterThan(0);
    expect(result.requests).toEqual(expect.arrayContaining(LOOKUPS));
  });

  it("refuses a cluster without KEDA's CRDs, saying how to apply them", async () => {
    const result = await install('default', { apis: without('keda.sh/v1alpha1') });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /KEDA's CRDs \(keda\.sh\/v1alpha1\) are not in the cluster.*kubectl apply --server-side -f https:\/\/github\.com\/kedacore\/keda\/releases\/download\//s,
    );
  });

  it('passes an upgrade of the release that owns the cluster-scoped objects', async () => {
    const result = await install('default', {
      objects: [
        owned('apiregistration.k8s.io/v1', 'APIService', 'v1beta1.external.metrics.k8s.io', 'autoscaled-inference', 'autoscaled-inference'),
        owned('rbac.authorization.k8s.io/v1', 'ClusterRole', 'keda-operator', 'autoscaled-inference', 'autoscaled-inference'),
      ],
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    [
      'KEDA of another release',
      owned('rbac.authorization.k8s.io/v1', 'ClusterRole', 'keda-operator', 'keda', 'keda'),
      /ClusterRole keda-operator \(Helm release keda\/keda\)/,
    ],
    [
      'the same release name in another namespace',
      owned('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'keda-admission', 'autoscaled-inference', 'staging'),
      /ValidatingWebhookConfiguration keda-admission \(Helm release staging\/autoscaled-inference\)/,
    ],
    [
      'an external metrics server installed without Helm',
      owned('apiregistration.k8s.io/v1', 'APIService', 'v1beta1.external.metrics.k8s.io'),
      /APIService v1beta1\.external\.metrics\.k8s\.io \(not installed by Helm\)/,
    ],
  ])('refuses a second KEDA: %s, naming global.keda.mode=separateRelease', async (_case, object, which) => {
    const result = await install('default', { objects: [object] });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(which);
    expect(result.stderr).toMatch(/already in this cluster.*global\.keda\.mode=separateRelease.*keda\.enabled=false/s);
  });

  it('separateRelease looks nothing up and shares the KEDA that is there', async () => {
    const result = await install('keda-separate-release', { objects: [owned('rbac.authorization.k8s.io/v1', 'ClusterRole', 'keda-operator', 'keda', 'keda')] });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    for (const lookup of LOOKUPS) expect(result.requests).not.toContain(lookup);
  });

  it('refuses ServiceMonitors and a PrometheusRule on a cluster without the Prometheus Operator when kube-prometheus-stack is not in the release', async () => {
    const result = await install('prometheus-trigger', { apis: without('monitoring.coreos.com/v1') });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/monitoring\.coreos\.com\/v1.*not in the cluster.*global\.monitoring\.serviceMonitor\.enabled=false.*alerts\.enabled=false/s);
    expect((await install('prometheus-trigger')).status).toBe(0);
  });
});

it('every KEDA object of every scenario is an ordinary resource', () => {
  for (const scenario of ['default', 'redis-trigger', 'prometheus-trigger', 'scale-to-zero', 'gpu', 'external-redis']) {
    for (const o of kedaObjects(render(scenario)))
      expect([scenario, o.metadata.name, o.metadata.annotations?.['helm.sh/hook']]).toEqual([scenario, o.metadata.name, undefined]);
  }
  expect(ofKind(render('default'), 'Job').map((j) => j.metadata.name)).toEqual(['autoscaled-inference-keda-cleanup']);
});

describe("the chart README's install, upgrade and uninstall sections match the chart", () => {
  const readme = () => readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
  const section = (title: string) => {
    const text = readme();
    const start = text.indexOf(`\n## ${title}\n`);
    expect(start).toBeGreaterThan(-1);
    const end = text.indexOf('\n## ', start + 1);
    return text.slice(start, end === -1 ? undefined : end);
  };
  const values = () => parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
  const lock = () => parse(readFileSync(join(CHART_DIR, 'Chart.lock'), 'utf8')) as { dependencies: { name: string; version: string; repository: string }[] };
  const locked = (name: string) => lock().dependencies.find((d) => d.name === name)!.version;

  it('installs the CRDs of the locked KEDA chart before the release, and names every locked version', () => {
    const install = section('Install');
    expect(install).toContain(`helm show chart kedacore/keda --version ${locked('keda')}`);
    expect(install.indexOf('kubectl apply --server-side -f')).toBeLessThan(install.indexOf('helm install ai charts/autoscaled-inference'));
    for (const d of lock().dependencies.filter((x) => !x.repository.startsWith('file://'))) expect(install).toContain(`${d.name} ${d.version}`);
    expect(install).toContain('keda.crds.install=false');
    expect(values().keda.crds.install).toBe(false);
  });

  it('upgrades and rolls back in place', () => {
    expect(section('Upgrade and rollback')).toMatch(/helm upgrade ai .*\n.*helm rollback ai/);
  });

  it("tears down in KEDA's order: ScaledObjects (the hook), then KEDA (the release), then KEDA's CRDs", () => {
    const uninstall = section('Uninstall');
    const hook = uninstall.indexOf('pre-delete');
    const release = uninstall.indexOf('helm uninstall ai -n ml');
    const crds = uninstall.indexOf('kubectl delete -f "https://github.com/kedacore/keda/releases/download/');
    expect(hook).toBeGreaterThan(-1);
    expect(release).toBeGreaterThan(-1);
    expect(crds).toBeGreaterThan(release);
    expect(uninstall).toContain('<release>-keda-cleanup');
    expect(uninstall).toContain(`kedaCleanup.timeoutSeconds\` (${values().kedaCleanup.timeoutSeconds} s)`);
    expect(readme()).toContain(values().kedaCleanup.image);
    // The hook's kubectl waits that long.
    const job = ofKind(render('default'), 'Job').find((j) => j.metadata.name === 'autoscaled-inference-keda-cleanup')!;
    expect(JSON.stringify(job)).toContain(`--timeout=${values().kedaCleanup.timeoutSeconds}s`);
  });
});
