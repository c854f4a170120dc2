/**
 * A stand-in Kubernetes API server on 127.0.0.1, enough for `helm template --dry-run=server` (Helm's install
 * path against a cluster, without creating anything): version and legacy discovery of the API groups the chart
 * uses, GET of single objects (404 unless seeded), and empty Secret lists for Helm's release storage. Helm then
 * renders as `helm install` does: `.Capabilities.APIVersions` from discovery, and `lookup` answered by GETs,
 * which are recorded.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHelm, NAMESPACE, RELEASE } from './helm';

type Resource = [plural: string, kind: string, namespaced: boolean];

/** The API groups (group/version → resources) a cluster with KEDA's and the Prometheus Operator's CRDs serves. */
export const CLUSTER_APIS: Record<string, Resource[]> = {
  v1: [
    ['namespaces', 'Namespace', false],
    ['secrets', 'Secret', true],
    ['services', 'Service', true],
    ['configmaps', 'ConfigMap', true],
    ['serviceaccounts', 'ServiceAccount', true],
    ['persistentvolumeclaims', 'PersistentVolumeClaim', true],
    ['pods', 'Pod', true],
  ],
  'apps/v1': [
    ['deployments', 'Deployment', true],
    ['statefulsets', 'StatefulSet', true],
  ],
  'batch/v1': [['jobs', 'Job', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true],
    ['rolebindings', 'RoleBinding', true],
    ['clusterroles', 'ClusterRole', false],
    ['clusterrolebindings', 'ClusterRoleBinding', false],
  ],
  'networking.k8s.io/v1': [['networkpolicies', 'NetworkPolicy', true]],
  'autoscaling/v2': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler', true]],
  'apiregistration.k8s.io/v1': [['apiservices', 'APIService', false]],
  'admissionregistration.k8s.io/v1': [['validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false]],
  'apiextensions.k8s.io/v1': [['customresourcedefinitions', 'CustomResourceDefinition', false]],
  'keda.sh/v1alpha1': [
    ['scaledobjects', 'ScaledObject', true],
    ['triggerauthentications', 'TriggerAuthentication', true],
  ],
  'monitoring.coreos.com/v1': [
    ['servicemonitors', 'ServiceMonitor', true],
    ['prometheusrules', 'PrometheusRule', true],
  ],
};

export interface SeededObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
}

export interface FakeCluster {
  /** Runs `helm template --dry-run=server` of a chart against this cluster. */
  helmTemplate(chartDir: string, valuesFiles: string[], args?: string[]): Promise<{ status: number; stdout: string; stderr: string }>;
  /** The paths the clients GET so far. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts a fake API server serving `apis` (default CLUSTER_APIS) and the seeded objects. */
export async function startFakeCluster(options: { apis?: Record<string, Resource[]>; objects?: SeededObject[] } = {}): Promise<FakeCluster> {
  const apis = options.apis ?? CLUSTER_APIS;
  const requests: string[] = [];
  const objectPath = (o: SeededObject) => {
    const [plural, , namespaced] = (apis[o.apiVersion] ?? []).find(([, kind]) => kind === o.kind) ?? [];
    if (!plural) throw new Error(`the fake cluster serves no ${o.apiVersion} ${o.kind}`);
    const base = o.apiVersion === 'v1' ? '/api/v1' : `/apis/${o.apiVersion}`;
    return namespaced ? `${base}/namespaces/${o.metadata.namespace ?? NAMESPACE}/${plural}/${o.metadata.name}` : `${base}/${plural}/${o.metadata.name}`;
  };
  const objects = new Map((options.objects ?? []).map((o) => [objectPath(o), o]));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    requests.push(`${req.method} ${path}`);
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const notFound = () =>
      json(404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
    if (path === '/version') return json(200, { major: '1', minor: '33', gitVersion: 'v1.33.0', platform: 'linux/amd64' });
    // Legacy discovery (the clients fall back to it from aggregated discovery when answered plain JSON).
    if (path === '/api')
      return json(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] });
    if (path === '/apis') {
      const groups = new Map<string, string[]>();
      for (const gv of Object.keys(apis).filter((x) => x.includes('/'))) {
        const [group, version] = gv.split('/');
        groups.set(group, [...(groups.get(group) ?? []), version]);
      }
      return json(200, {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: [...groups].map(([name, versions]) => ({
          name,
          versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        })),
      });
    }
    const discovery = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(path);
    if (discovery) {
      const gv = discovery[1] ?? discovery[2];
      const resources = apis[gv];
      if (!resources) return notFound();
      return json(200, {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: gv,
        resources: resources.map(([name, kind, namespaced]) => ({
          name,
          singularName: kind.toLowerCase(),
          namespaced,
          kind,
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        })),
      });
    }
    if (req.method === 'GET' && objects.has(path)) return json(200, objects.get(path));
    // Helm's release storage: no release of that name yet.
    if (req.method === 'GET' && path.endsWith('/secrets')) return json(200, { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [] });
    return notFound();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'ai-fake-kube-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      'contexts:',
      '- name: fake',
      '  context: {cluster: fake, user: fake}',
      'current-context: fake',
      'users:',
      '- name: fake',
      '  user: {token: fake}',
      '',
    ].join('\n'),
  );
  return {
    requests,
    helmTemplate: (chartDir, valuesFiles, args = []) =>
      // Asynchronously: this process answers helm's requests.
      new Promise((resolve) => {
        const helmArgs = [
          'template',
          RELEASE,
          chartDir,
          '--namespace',
          NAMESPACE,
          '--dry-run=server',
          '--disable-openapi-validation',
          ...valuesFiles.flatMap((f) => ['-f', f]),
          ...args,
        ];
        execFile(
          findHelm(),
          helmArgs,
          { env: { ...process.env, KUBECONFIG: kubeconfig, HELM_CACHE_HOME: join(dir, 'cache') }, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
          (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        rmSync(dir, { recursive: true, force: true });
      }),
  };
}
