import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART_DIR, helmTemplate, helmTemplateError, K8sObject, offlineChartCopy, parseManifests } from '../tools/helm';

/** Every scenario values file under the chart's ci/ folder. */
export const SCENARIOS = readdirSync(join(CHART_DIR, 'ci'))
  .filter((f) => f.endsWith('-values.yaml'))
  .map((f) => f.replace(/-values\.yaml$/, ''));

export const scenarioFile = (name: string) => join(CHART_DIR, 'ci', `${name}-values.yaml`);

let chart: ReturnType<typeof offlineChartCopy> | undefined;
const cache = new Map<string, K8sObject[]>();

/** The offline chart copy (remote dependencies removed; see tools/helm.ts), made once per test file. */
export function chartDir(): string {
  chart ??= offlineChartCopy();
  return chart.dir;
}

export function disposeChart(): void {
  chart?.dispose();
  chart = undefined;
  cache.clear();
}

/** The objects a scenario renders to (memoised). */
export function render(scenario: string): K8sObject[] {
  if (!cache.has(scenario)) cache.set(scenario, parseManifests(helmTemplate(chartDir(), [scenarioFile(scenario)])));
  return cache.get(scenario)!;
}

/** The objects a scenario renders to with extra helm arguments (not memoised). */
export function renderWith(scenario: string, args: string[]): K8sObject[] {
  return parseManifests(helmTemplate(chartDir(), [scenarioFile(scenario)], args));
}

/** helm's error output for a scenario rendered with extra arguments that must fail. */
export function renderError(scenario: string, args: string[]): string {
  return helmTemplateError(chartDir(), [scenarioFile(scenario)], args);
}

/**
 * `--api-versions` that make `helm template` render as `helm install` does against a cluster: Helm's offline
 * capabilities never include apiregistration.k8s.io/v1, which every real API server serves, so the chart's
 * install-time checks key on it; the other groups are what that simulated cluster has installed.
 */
export const clusterWith = (...groups: string[]) => ['apiregistration.k8s.io/v1', ...groups].flatMap((g) => ['--api-versions', g]);

export const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

/** Validates objects with kubernetes-models / @kubernetes-models/keda (ESM-only, so in a child process). */
export function validateObjects(objects: K8sObject[]): { kind: string; name: string; error: string | null }[] {
  const dir = mkdtempSync(join(tmpdir(), 'ai-validate-'));
  try {
    const file = join(dir, 'objects.json');
    writeFileSync(file, JSON.stringify(objects));
    const out = execFileSync(process.execPath, [join(__dirname, '..', 'tools', 'validate-objects.mjs'), file], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return JSON.parse(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
