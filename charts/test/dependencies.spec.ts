/**
 * The remote dependencies: Chart.lock pins an exact version of each, with the digest Helm computes (and
 * `helm dependency build` accepts it, run against local stand-ins for the repositories), the Chart.yaml ranges
 * admit only the tested minor version, and the `global` this chart hands to every subchart sets none of the
 * keys the dependencies' image helpers read, so their images keep their upstream registries.
 *
 * The dependency charts cannot be downloaded here: what their templates read from `global` is a pinned copy
 * (fixtures/dependency-globals.yaml, the keys and default images of the versions Chart.lock locks).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { helmLockDigest, type ChartDependency } from '../tools/chart-lock';
import { CHART_DIR, helmTemplate, offlineChartCopy } from '../tools/helm';
import { helmDependencyBuildOffline } from '../tools/local-chart-repo';
import { scenarioFile, SCENARIOS } from './scenarios';

interface Lock {
  dependencies: { name: string; version: string; repository: string }[];
  digest: string;
  generated: string;
}
interface DependencyGlobals {
  version: string;
  registryFrom: string[];
  pullSecretsFrom?: string[];
  images: { values: string; registry: string; repository: string }[];
}

const chartYaml = () => parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { dependencies: ChartDependency[] };
const lockFile = join(CHART_DIR, 'Chart.lock');
const lock = () => parse(readFileSync(lockFile, 'utf8')) as Lock;
const fixture = () => parse(readFileSync(join(__dirname, 'fixtures', 'dependency-globals.yaml'), 'utf8')) as Record<string, DependencyGlobals>;
const remote = (deps: ChartDependency[]) => deps.filter((d) => !d.repository?.startsWith('file://'));
const get = (obj: unknown, path: string) =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
const isSet = (v: unknown) =>
  v !== undefined &&
  v !== null &&
  v !== '' &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

describe('Chart.lock', () => {
  it('exists and locks every dependency of Chart.yaml, in order, at an exact version', () => {
    expect(existsSync(lockFile)).toBe(true);
    const locked = lock().dependencies;
    expect(locked.map((d) => [d.name, d.repository])).toEqual(chartYaml().dependencies.map((d) => [d.name, d.repository]));
    for (const d of locked) expect([d.name, d.version]).toEqual([d.name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
    expect(Date.parse(lock().generated)).not.toBeNaN();
  });

  it('carries the digest Helm computes from Chart.yaml and the lock', () => {
    expect(lock().digest).toBe(helmLockDigest(chartYaml().dependencies, lock().dependencies));
  });

  it('narrows every remote range to the locked minor version: >=locked <next minor', () => {
    const locked = new Map(lock().dependencies.map((d) => [d.name, d.version]));
    for (const d of remote(chartYaml().dependencies)) {
      const [major, minor] = locked.get(d.name)!.split('.').map(Number);
      expect([d.name, d.version]).toEqual([d.name, `>=${locked.get(d.name)} <${major}.${minor + 1}.0`]);
    }
  });

  it('is accepted by `helm dependency build`, which refuses a lock out of sync with Chart.yaml', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ai-depbuild-'));
    try {
      const dir = join(root, 'autoscaled-inference');
      cpSync(CHART_DIR, dir, { recursive: true });
      const run = await helmDependencyBuildOffline(dir);
      expect(run.stderr + run.stdout).not.toMatch(/out of sync/);
      expect(run.status).toBe(0);
      for (const d of remote(lock().dependencies)) expect(existsSync(join(dir, 'charts', `${d.name}-${d.version}.tgz`))).toBe(true);

      // The same build with a Chart.yaml range changed after locking fails: the check above can fail.
      const changed = readFileSync(join(dir, 'Chart.yaml'), 'utf8').replace(/(name: keda\n\s+version: )"[^"]+"/, '$1">=2.20.0 <3.0.0"');
      writeFileSync(join(dir, 'Chart.yaml'), changed);
      const stale = await helmDependencyBuildOffline(dir);
      expect(stale.status).not.toBe(0);
      expect(stale.stderr).toMatch(/out of sync/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("the global values every dependency receives (pinned copy of the dependencies' image helpers)", () => {
  it('the pinned copy describes the versions Chart.lock locks', () => {
    const locked = Object.fromEntries(remote(lock().dependencies).map((d) => [d.name, d.version]));
    expect(Object.fromEntries(Object.entries(fixture()).map(([name, f]) => [name, f.version]))).toEqual(locked);
  });

  /** `.Values.global` as the umbrella renders it (what Helm passes to every subchart). */
  function renderedGlobal(valuesFile: string): Record<string, unknown> {
    const chart = offlineChartCopy();
    try {
      writeFileSync(
        join(chart.dir, 'templates', 'zz-test-global.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test-global\ndata:\n  global.json: {{ .Values.global | toJson | quote }}\n',
      );
      const out = parse(helmTemplate(chart.dir, [valuesFile], ['--show-only', 'templates/zz-test-global.yaml']));
      return JSON.parse(out.data['global.json']);
    } finally {
      chart.dispose();
    }
  }

  it.each(SCENARIOS)('scenario %s sets none of the global keys the dependencies read, so their images keep their upstream registries', (scenario) => {
    const global = { global: renderedGlobal(scenarioFile(scenario)) };
    const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
    for (const [dependency, reads] of Object.entries(fixture())) {
      for (const key of [...reads.registryFrom, ...(reads.pullSecretsFrom ?? [])]) {
        const value = get(global, key);
        expect([dependency, key, isSet(value) ? value : 'not set']).toEqual([dependency, key, 'not set']);
      }
      for (const image of reads.images) {
        // The registry the dependency's helper picks: the first global key set, else the umbrella's override of
        // the image's registry, else the dependency's own default.
        const fromGlobal = reads.registryFrom.map((k) => get(global, k)).find(isSet);
        const override = get(values, `${dependency}.${image.values}.registry`);
        const registry = fromGlobal ?? override ?? image.registry;
        expect([dependency, image.values, `${registry}/${image.repository}`]).toEqual([dependency, image.values, `${image.registry}/${image.repository}`]);
      }
    }
  });
});
