import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHART_DIR, helmTemplate, K8sObject, offlineChartCopy, parseManifests } from '../tools/helm';

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
