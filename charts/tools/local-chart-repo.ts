/**
 * `helm dependency build` offline: the remote repositories are stood in for by one HTTP server on 127.0.0.1
 * serving a stub chart (name and version only) for every locked remote dependency, and a Helm home whose
 * repositories.yaml names the real repository URLs, with their index files pre-filled in the cache (so
 * `--skip-refresh` never fetches them). Helm then does everything it does online: compares Chart.lock's digest
 * with Chart.yaml, looks every locked version up in the repository index and downloads it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { findHelm } from './helm';

export interface HelmRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `helm dependency build --skip-refresh <chartDir>` against local stand-ins for the locked remote charts. */
export async function helmDependencyBuildOffline(chartDir: string): Promise<HelmRun> {
  const home = mkdtempSync(join(tmpdir(), 'ai-helm-home-'));
  const files = new Map<string, Buffer>();
  const server: Server = createServer((req, res) => {
    const body = files.get(basename(req.url ?? ''));
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/gzip' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const helm = findHelm();
    const lock = parse(readFileSync(join(chartDir, 'Chart.lock'), 'utf8')) as { dependencies: { name: string; version: string; repository: string }[] };
    const remote = lock.dependencies.filter((d) => !d.repository.startsWith('file://'));
    const repositories: { name: string; url: string }[] = [];
    const cache = join(home, 'cache');
    mkdirSync(cache, { recursive: true });
    remote.forEach((dep, i) => {
      const stub = join(home, 'stubs', dep.name);
      mkdirSync(stub, { recursive: true });
      writeFileSync(join(stub, 'Chart.yaml'), stringify({ apiVersion: 'v2', name: dep.name, version: dep.version }));
      const packaged = join(home, 'packages', String(i));
      mkdirSync(packaged, { recursive: true });
      execFileSync(helm, ['package', stub, '-d', packaged], { encoding: 'utf8' });
      const tgz = `${dep.name}-${dep.version}.tgz`;
      files.set(tgz, readFileSync(join(packaged, tgz)));
      // `helm repo index` writes the entry (with the archive's digest); its URL points at the local server.
      execFileSync(helm, ['repo', 'index', packaged, '--url', base], { encoding: 'utf8' });
      const name = `repo${i}`;
      repositories.push({ name, url: dep.repository });
      writeFileSync(join(cache, `${name}-index.yaml`), readFileSync(join(packaged, 'index.yaml')));
    });
    const config = join(home, 'repositories.yaml');
    writeFileSync(config, stringify({ apiVersion: '', generated: '0001-01-01T00:00:00Z', repositories }));
    const env = {
      ...process.env,
      HELM_REPOSITORY_CONFIG: config,
      HELM_REPOSITORY_CACHE: cache,
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'helm-cache'),
      HELM_DATA_HOME: join(home, 'data'),
    };
    // Asynchronously: the server answering the downloads runs in this process.
    return await new Promise<HelmRun>((resolve) => {
      execFile(helm, ['dependency', 'build', '--skip-refresh', chartDir], { env, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
}
