/**
 * docker-compose.yml parses and refers only to things that exist: Dockerfiles and the files they copy,
 * bind-mounted files, workload and k6 script paths, and Prometheus targets on services and ports the file
 * defines. Third-party images cannot be pulled here, so they are checked for a pinned tag only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WORKSPACE } from '../tools/helm';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  profiles?: string[];
}
const compose = parse(readFileSync(join(WORKSPACE, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APPS = ['inference', 'dispatcher', 'load-tester'];
const bindMounts = (s: Service) => (s.volumes ?? []).filter((v) => v.startsWith('./')).map((v) => ({ host: v.split(':')[0], container: v.split(':')[1] }));
/** The repository path a container path maps to through the service's bind mounts, if any. */
const hostPathOf = (s: Service, containerPath: string) => {
  const mount = bindMounts(s).find((m) => containerPath === m.container || containerPath.startsWith(m.container + '/'));
  return mount && join(WORKSPACE, mount.host, containerPath.slice(mount.container.length));
};
const dockerfile = (app: string, name = 'Dockerfile') => readFileSync(join(WORKSPACE, 'apps', app, name), 'utf8');
const runtimeStage = (text: string) => text.slice(text.lastIndexOf('\nFROM '));

it('defines the stack and the load-test and k6 profiles', () => {
  expect(Object.keys(services).sort()).toEqual(['dispatcher', 'grafana', 'inference', 'inference-lm', 'k6', 'load-tester', 'loki', 'prometheus', 'redis']);
  expect(services['load-tester'].profiles).toEqual(['load-test']);
  expect(services.k6.profiles).toEqual(['k6']);
});

it('builds every app from its own Dockerfile, whose start command is the one the tests use', () => {
  for (const app of APPS) {
    const s = services[app];
    expect(s.build).toEqual({ context: '.', dockerfile: `apps/${app}/Dockerfile` });
    const runtime = runtimeStage(dockerfile(app));
    expect(runtime).toMatch(new RegExp(`CMD \\["node", "dist/apps/${app}/main.js"`));
    expect(runtime).toMatch(/\nUSER 10001:10001\n/);
    expect(runtime).toMatch(/\nHEALTHCHECK /);
    expect(runtime).toContain('npm install --omit=dev');
    expect(runtime).toContain(`EXPOSE ${s.environment?.PORT}`);
    if (s.command) expect(s.command.slice(0, 2)).toEqual(['node', `dist/apps/${app}/main.js`]);
  }
});

it('copies only files that exist into the images (models and workloads come with their apps)', () => {
  for (const [app, name] of [...APPS.map((a) => [a, 'Dockerfile']), ['inference', 'Dockerfile.gpu']]) {
    for (const match of dockerfile(app, name).matchAll(/^COPY (?!--from)(.+) \S+$/gm)) {
      for (const source of match[1].split(/\s+/)) expect([app, name, source, existsSync(join(WORKSPACE, source))]).toEqual([app, name, source, true]);
    }
  }
});

it('installs the CUDA execution provider in the GPU image on a CUDA 12 + cuDNN base', () => {
  const gpu = dockerfile('inference', 'Dockerfile.gpu');
  expect(runtimeStage(gpu)).toMatch(/^\nFROM nvidia\/cuda:12\.[\d.]+-cudnn-runtime-/);
  expect(gpu).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node');
  expect(runtimeStage(gpu)).toContain('CMD ["node", "dist/apps/inference/main.js"]');
});

it('pins every third-party image to a tag', () => {
  // inference-lm runs the inference image built above.
  for (const [name, s] of Object.entries(services).filter(([name, s]) => !s.build && name !== 'inference-lm')) {
    expect([name, s.image]).toEqual([name, expect.stringMatching(/^[\w./-]+:(?!latest$)[\w.-]+$/)]);
  }
});

it('mounts only files and folders that exist', () => {
  for (const s of Object.values(services)) {
    for (const m of bindMounts(s).filter((x) => x.host !== './reports')) expect([m.host, existsSync(join(WORKSPACE, m.host))]).toEqual([m.host, true]);
  }
});

it('runs workloads and the k6 script that exist in the repository', () => {
  const loadTester = services['load-tester'].command!;
  expect(existsSync(join(WORKSPACE, loadTester[loadTester.indexOf('--workload') + 1]))).toBe(true);
  const k6 = services.k6;
  expect(hostPathOf(k6, k6.command![1])).toBe(join(WORKSPACE, 'workloads', 'k6', 'load-test.js'));
  expect(existsSync(hostPathOf(k6, k6.command![1])!)).toBe(true);
  expect(existsSync(hostPathOf(k6, k6.environment!.WORKLOAD)!)).toBe(true);
  const script = readFileSync(hostPathOf(k6, k6.command![1])!, 'utf8');
  for (const name of Object.keys(k6.environment!)) expect([name, script.includes(`__ENV.${name}`)]).toEqual([name, true]);
});

it('lets inference scale (no host port), keeps host ports unique and wires the apps to each other', () => {
  expect(services.inference.ports).toBeUndefined();
  const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
  expect(new Set(hostPorts).size).toBe(hostPorts.length);
  const env = services.dispatcher.environment!;
  expect(env.REDIS_URL).toBe('redis://redis:6379');
  expect(env.INFERENCE_URLS).toBe(
    `digits-cnn=http://inference:${services.inference.environment!.PORT},tiny-lm=http://inference-lm:${services['inference-lm'].environment!.PORT}`,
  );
  for (const app of APPS) expect(services[app].environment!.LOKI_URL).toBe('http://loki:3100');
});

it('serves the text-generation model as its own scalable service from the inference image', () => {
  const lm = services['inference-lm'];
  expect(lm.image).toBe(services.inference.image);
  expect((lm as Service & { pull_policy?: string }).pull_policy).toBe('never');
  expect(lm.ports).toBeUndefined();
  expect(lm.environment).toMatchObject({ MODEL_NAME: 'tiny-lm', PORT: '8080', LOKI_URL: 'http://loki:3100' });
  expect(existsSync(join(WORKSPACE, 'models', 'tiny-lm'))).toBe(true);
});

it('runs Redis with AOF and noeviction, and Grafana with no default admin password', () => {
  expect(services.redis.command!.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
  expect(services.grafana.environment!.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
});

it('has Prometheus scrape every app on its real port and load the alert rules it mounts', () => {
  const prometheus = services.prometheus;
  const config = parse(readFileSync(hostPathOf(prometheus, '/etc/prometheus/prometheus.yml')!, 'utf8'));
  const targets = new Map<string, string>();
  for (const job of config.scrape_configs) {
    for (const sc of job.static_configs ?? []) for (const t of sc.targets) targets.set(t.split(':')[0], t.split(':')[1]);
    for (const sd of job.dns_sd_configs ?? []) for (const n of sd.names) targets.set(n, String(sd.port));
  }
  for (const app of [...APPS, 'inference-lm']) expect([app, targets.get(app)]).toEqual([app, services[app].environment!.PORT]);
  for (const file of config.rule_files) expect(existsSync(hostPathOf(prometheus, file)!)).toBe(true);
  const provisioning = hostPathOf(services.grafana, '/etc/grafana/provisioning/datasources/datasources.yaml')!;
  expect(
    parse(readFileSync(provisioning, 'utf8'))
      .datasources.map((d: { uid: string }) => d.uid)
      .sort(),
  ).toEqual(['loki', 'prometheus']);
  expect(existsSync(hostPathOf(services.grafana, '/var/lib/grafana/dashboards/overview.json')!)).toBe(true);
});

it('dashboards pick their datasources through variables of the provisioned types and have unique panel ids', () => {
  const provisioning = hostPathOf(services.grafana, '/etc/grafana/provisioning/datasources/datasources.yaml')!;
  const types = new Set(parse(readFileSync(provisioning, 'utf8')).datasources.map((d: { type: string }) => d.type));
  const dir = hostPathOf(services.grafana, '/var/lib/grafana/dashboards')!;
  for (const file of ['overview.json', 'logs.json']) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const panels: { id: number; datasource: { type: string; uid: string }; targets: { datasource: { type: string; uid: string } }[] }[] = dashboard.panels;
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    // A datasource variable resolves to the default datasource of its type (compose provisions one of each).
    const variables = new Map<string, string>(
      dashboard.templating.list.filter((v: { type: string }) => v.type === 'datasource').map((v: { name: string; query: string }) => [v.name, v.query]),
    );
    for (const p of panels) {
      for (const ds of [p.datasource, ...p.targets.map((t) => t.datasource)]) {
        const variable = /^\$\{(\w+)\}$/.exec(ds.uid)?.[1];
        expect([file, ds.uid, variable && variables.get(variable)]).toEqual([file, ds.uid, ds.type]);
        expect(types.has(ds.type)).toBe(true);
      }
    }
  }
});
