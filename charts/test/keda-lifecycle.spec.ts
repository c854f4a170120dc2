/**
 * KEDA objects through a release's life: install, upgrade, rollback and uninstall.
 *
 * sameRelease installs KEDA with this release, but not KEDA's CRDs: those are applied first (README, step 1), so
 * ScaledObjects and TriggerAuthentications are ordinary release resources (upgraded in place, restored by
 * rollback, deleted by uninstall), and a pre-delete hook Job deletes them, and waits for KEDA to release their
 * finalizers, before Helm deletes the operator. helm template renders no lookups and reports no cluster APIs,
 * so the install-time checks are rendered as Helm renders them against a cluster: `--api-versions` for the APIs
 * it serves, and the cluster-scoped-name check's helper given the objects `lookup` would return.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { CHART_DIR, helmTemplate, helmTemplateError, K8sObject } from '../tools/helm';
import { clusterWith, disposeChart, ofKind, render, renderError, renderWith } from './scenarios';

afterAll(() => disposeChart());

const KEDA_KINDS = ['ScaledObject', 'TriggerAuthentication'];
const kedaObjects = (objects: K8sObject[]) => objects.filter((o) => KEDA_KINDS.includes(o.kind));
const hooks = (objects: K8sObject[]) => objects.filter((o) => o.metadata.annotations?.['helm.sh/hook']);
type Container = { name: string; image: string; command?: string[]; args?: string[]; env?: { name: string; value?: string }[] };
type JobSpec = { backoffLimit: number; activeDeadlineSeconds: number; template: { spec: { serviceAccountName: string; automountServiceAccountToken?: boolean; containers: Container[]; securityContext: Record<string, unknown> } } };

describe('sameRelease (KEDA installed by this release)', () => {
  // Every KEDA object the chart can render: models with redis and prometheus backlogs, basic auth, the dispatcher's ScaledObject.
  const everything = () =>
    renderWith('default', [
      '--set', 'global.prometheus.basicAuth.enabled=true', '--set', 'global.prometheus.basicAuth.existingSecret=auth',
      '--set', 'dispatcher.autoscaling.enabled=true',
      '--set-json', 'global.models=[{"name":"a"},{"name":"b","autoscaling":{"backlog":{"type":"redis"}}}]',
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
      'kubectl', 'delete', 'scaledobjects.keda.sh,triggerauthentications.keda.sh',
      '--namespace', 'autoscaled-inference', '--selector', 'app.kubernetes.io/instance=autoscaled-inference',
      '--ignore-not-found', '--wait=true', '--timeout=120s',
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
    expect(renderError('default', clusterWith('monitoring.coreos.com/v1'))).toMatch(/KEDA's CRDs \(keda\.sh\/v1alpha1\) are not in the cluster.*keda-.*-crds\.yaml/s);
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
 * The cluster-scoped-name check, rendered with the objects `lookup` would return (helm template's lookups
 * return nothing): a tiny chart that holds the umbrella's helpers and calls the check's helper.
 */
describe('cluster-scoped KEDA names (one KEDA per cluster)', () => {
  const owned = (kind: string, name: string, release: string, namespace: string) => ({
    apiVersion: 'v1',
    kind,
    metadata: { name, annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': namespace } },
  });

  function check(found: unknown[]): { ok: boolean; output: string } {
    const root = mkdtempSync(join(tmpdir(), 'ai-keda-names-'));
    try {
      mkdirSync(join(root, 'templates'));
      writeFileSync(join(root, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: 'keda-names-check', version: '0.1.0' }));
      cpSync(join(CHART_DIR, 'templates', '_helpers.tpl'), join(root, 'templates', '_helpers.tpl'));
      writeFileSync(
        join(root, 'templates', 'check.yaml'),
        '{{- include "ai.keda.checkClusterScopedNames" (dict "ctx" . "found" .Values.found) }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n',
      );
      const values = join(root, 'found.json');
      writeFileSync(values, JSON.stringify({ global: { keda: { mode: 'sameRelease' } }, found }));
      try {
        return { ok: true, output: helmTemplate(root, [values]) };
      } catch {
        return { ok: false, output: helmTemplateError(root, [values]) };
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it('passes on a fresh cluster and on an upgrade of the release that owns them', () => {
    expect(check([]).ok).toBe(true);
    expect(check([owned('APIService', 'v1beta1.external.metrics.k8s.io', 'autoscaled-inference', 'autoscaled-inference'), owned('ClusterRole', 'keda-operator', 'autoscaled-inference', 'autoscaled-inference')]).ok).toBe(true);
  });

  it.each([
    ['another release in another namespace', owned('ClusterRole', 'keda-operator', 'keda', 'keda')],
    ['the same release name in another namespace', owned('ValidatingWebhookConfiguration', 'keda-admission', 'autoscaled-inference', 'staging')],
    ['an external metrics server installed without Helm', { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.external.metrics.k8s.io' } }],
  ])('fails when KEDA or an external metrics server is already there: %s', (_case, object) => {
    const result = check([object]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/already in this cluster.*global\.keda\.mode=separateRelease.*keda\.enabled=false/s);
  });

  it('looks those objects up by the names the KEDA chart gives them', () => {
    const text = readFileSync(join(CHART_DIR, 'templates', '_helpers.tpl'), 'utf8');
    for (const [apiVersion, kind, name] of [
      ['apiregistration.k8s.io/v1', 'APIService', 'v1beta1.external.metrics.k8s.io'],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'keda-operator'],
      ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'keda-admission'],
    ]) {
      expect(text).toContain(`(list "${apiVersion}" "${kind}" "${name}")`);
    }
    expect(readFileSync(join(CHART_DIR, 'templates', 'checks.yaml'), 'utf8')).toContain('include "ai.keda.checkClusterScopedNames"');
  });
});

it('every KEDA object of every scenario is an ordinary resource', () => {
  for (const scenario of ['default', 'redis-trigger', 'prometheus-trigger', 'scale-to-zero', 'gpu', 'external-redis']) {
    for (const o of kedaObjects(render(scenario))) expect([scenario, o.metadata.name, o.metadata.annotations?.['helm.sh/hook']]).toEqual([scenario, o.metadata.name, undefined]);
  }
  expect(ofKind(render('default'), 'Job').map((j) => j.metadata.name)).toEqual(['autoscaled-inference-keda-cleanup']);
});

describe("the chart README's install, upgrade and uninstall sections match the chart", () => {
  const readme = readFileSync(join(CHART_DIR, 'README.md'), 'utf8');
  const section = (title: string) => {
    const start = readme.indexOf(`\n## ${title}\n`);
    expect(start).toBeGreaterThan(-1);
    const end = readme.indexOf('\n## ', start + 1);
    return readme.slice(start, end === -1 ? undefined : end);
  };
  const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
  const lock = parse(readFileSync(join(CHART_DIR, 'Chart.lock'), 'utf8')) as { dependencies: { name: string; version: string; repository: string }[] };
  const locked = (name: string) => lock.dependencies.find((d) => d.name === name)!.version;

  it('installs the CRDs of the locked KEDA chart before the release, and names every locked version', () => {
    const install = section('Install');
    expect(install).toContain(`helm show chart kedacore/keda --version ${locked('keda')}`);
    expect(install.indexOf('kubectl apply --server-side -f')).toBeLessThan(install.indexOf('helm install ai charts/autoscaled-inference'));
    for (const d of lock.dependencies.filter((x) => !x.repository.startsWith('file://'))) expect(install).toContain(`${d.name} ${d.version}`);
    expect(install).toContain('keda.crds.install=false');
    expect(values.keda.crds.install).toBe(false);
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
    expect(uninstall).toContain(`kedaCleanup.timeoutSeconds\` (${values.kedaCleanup.timeoutSeconds} s)`);
    expect(readme).toContain(values.kedaCleanup.image);
    // The hook's kubectl waits that long.
    const job = ofKind(render('default'), 'Job').find((j) => j.metadata.name === 'autoscaled-inference-keda-cleanup')!;
    expect(JSON.stringify(job)).toContain(`--timeout=${values.kedaCleanup.timeoutSeconds}s`);
  });
});
