/**
 * Generates k8s/autoscaled-inference.yaml, plain manifests for users without Helm, from the chart with
 * charts/tools/k8s-values.yaml. `nx run charts:generate-k8s` writes it; the charts test renders it again
 * and fails when the committed file differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { helmTemplate, K8sObject, NAMESPACE, offlineChartCopy, parseManifests, WORKSPACE } from './helm';

export const K8S_FILE = join(WORKSPACE, 'k8s', 'autoscaled-inference.yaml');

const HEADER = `# Generated from charts/autoscaled-inference with charts/tools/k8s-values.yaml by
#   npx nx run charts:generate-k8s
# Do not edit by hand: the charts test fails when this file and the chart disagree.
# Before applying: install KEDA (https://keda.sh/docs/deploy/) and create the Redis password Secret:
#   kubectl create namespace ${NAMESPACE}
#   kubectl -n ${NAMESPACE} create secret generic autoscaled-inference-redis \\
#     --from-literal=redis-password="$(openssl rand -hex 24)"
#   kubectl apply -f k8s/autoscaled-inference.yaml
# The ScaledObjects query Prometheus at http://prometheus-server.monitoring.svc:80: change serverAddress to yours.
# The pods carry prometheus.io/scrape annotations; the trigger queries select the job that reads them as the
# prometheus-community chart names it (job="kubernetes-pods", with the pods' labels kept).
`;

/** Drops what only makes sense under Helm (its bookkeeping labels). */
function plain(object: K8sObject): K8sObject {
  const strip = (labels?: Record<string, string>) => {
    if (!labels) return;
    delete labels['helm.sh/chart'];
    delete labels['app.kubernetes.io/managed-by'];
  };
  strip(object.metadata.labels);
  const template = (object as { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } }).spec?.template;
  strip(template?.metadata?.labels);
  return object;
}

/** The text of k8s/autoscaled-inference.yaml as the chart renders it now. */
export function renderK8sManifests(): string {
  const chart = offlineChartCopy();
  try {
    const objects = parseManifests(helmTemplate(chart.dir, [join(__dirname, 'k8s-values.yaml')])).map(plain);
    const namespace: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } };
    return HEADER + [namespace, ...objects].map((o) => '---\n' + stringify(o, { lineWidth: 0 })).join('');
  } finally {
    chart.dispose();
  }
}

if (require.main === module) {
  mkdirSync(join(WORKSPACE, 'k8s'), { recursive: true });
  writeFileSync(K8S_FILE, renderK8sManifests());
  console.log(`wrote ${K8S_FILE}`);
}
