import { readFileSync } from 'node:fs';
import { K8S_FILE, renderK8sManifests } from '../tools/generate-k8s-manifests';
import { parseManifests } from '../tools/helm';
import { validateObjects } from './scenarios';

describe('k8s/ plain manifests', () => {
  const rendered = renderK8sManifests();

  it('match what the chart renders now (regenerate with `npx nx run charts:generate-k8s`)', () => {
    expect(readFileSync(K8S_FILE, 'utf8')).toBe(rendered);
  });

  it('are valid Kubernetes and KEDA objects with no generated secret and no Helm hook', () => {
    const objects = parseManifests(rendered);
    expect(validateObjects(objects).filter((r) => r.error)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(rendered).not.toContain('helm.sh/');
    expect(objects.map((o) => o.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'StatefulSet', 'Service', 'ScaledObject']));
  });
});
