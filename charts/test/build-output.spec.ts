/**
 * The images run `node dist/apps/<app>/main.js` after `npm install --omit=dev` on the package.json and lockfile
 * Nx generates beside the bundle. This builds the apps the same way (`nx build`), checks that the generated
 * package.json declares every package the bundle requires (so the production install is complete), and
 * starts the built files the way the containers do, with the environment the chart renders for them.
 * Packages resolve from the workspace's node_modules
 * here: installing from the registry is left to the image build.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startNodeService, startRedisServer, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import { WORKSPACE } from '../tools/helm';
import { disposeChart, render } from './scenarios';
import { tinyDigitsRepository } from './tiny-model';

const APPS = ['dispatcher', 'inference'];
const started: RunningNodeService[] = [];
let redis: RunningRedisServer | undefined;
let models: ReturnType<typeof tinyDigitsRepository> | undefined;

beforeAll(() => {
  // Only these two projects' build targets (not their libs' type-check targets), both at once.
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', ...APPS, '--excludeTaskDependencies', '--parallel=2', '--outputStyle=static'], {
    cwd: WORKSPACE,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: 'pipe',
  });
}, 240_000);

afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
  await redis?.dispose();
  models?.dispose();
});

it.each(APPS)('the %s build declares every package its bundle requires, with a lockfile for the production install', (app) => {
  const dir = join(WORKSPACE, 'dist', 'apps', app);
  const bundle = readFileSync(join(dir, 'main.js'), 'utf8');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const builtins = new Set(builtinModules);
  const required = new Set(
    [...bundle.matchAll(/require\("([^"./][^"]*)"\)/g)]
      .map((m) => m[1].replace(/^node:/, ''))
      .filter((name) => !builtins.has(name) && !builtins.has(name.split('/')[0]))
      .map((name) => (name.startsWith('@') ? name.split('/').slice(0, 2).join('/') : name.split('/')[0])),
  );
  expect(required.size).toBeGreaterThan(2);
  expect([...required].filter((name) => !pkg.dependencies?.[name])).toEqual([]);
  expect(existsSync(join(dir, 'package-lock.json'))).toBe(true);
});

/**
 * The literal environment the chart's default render gives a container, with what only exists in a
 * cluster replaced: the port and interface (chosen by the test), Redis, the inference URL, the models
 * folder, and Loki (not running here).
 */
function chartEnv(deployment: string, overrides: Record<string, string>): Record<string, string> {
  const objects = render('default');
  const found = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === deployment);
  if (!found) throw new Error(`no Deployment ${deployment}`);
  const container = (found.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const e of container.env) if (e.value !== undefined && !e.value.includes('$(')) env[e.name] = e.value;
  for (const key of ['PORT', 'HOST', 'LOKI_URL']) delete env[key];
  return { ...env, ...overrides };
}

it('the built dispatcher and inference start from dist with the environment the chart gives them', async () => {
  redis = await startRedisServer();
  models = tinyDigitsRepository('2');
  const inferenceEnv = chartEnv('autoscaled-inference-inference-digits-cnn', { MODEL_REPOSITORY: models.root });
  expect(inferenceEnv).toMatchObject({ MODEL_NAME: 'digits-cnn', MODEL_VERSION: '2', ORT_PROVIDERS: 'cpu' });
  const inference = await startNodeService({
    name: 'inference',
    entry: 'dist/apps/inference/main.js',
    env: inferenceEnv,
    readyPath: '/readyz',
    readyTimeoutMs: 90_000,
  });
  started.push(inference);
  const dispatcherEnv = chartEnv('autoscaled-inference-dispatcher', { REDIS_URL: redis.url, INFERENCE_URLS: `digits-cnn=${inference.url}` });
  disposeChart();
  expect(Object.keys(dispatcherEnv)).toEqual(expect.arrayContaining(['LOG_LEVEL', 'ROLE', 'DRAIN_RATE', 'CALLBACK_ALLOWLIST']));
  started.push(await startNodeService({ name: 'dispatcher', entry: 'dist/apps/dispatcher/main.js', env: dispatcherEnv, readyPath: '/ready' }));
  for (const service of started) {
    const res = await fetch(`${service.url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(service.name === 'dispatcher' ? 'dispatcher_queue_depth' : 'inference_requests_total');
  }
});

it('the built apps accept the environment docker-compose.yml gives them', async () => {
  const compose = parse(readFileSync(join(WORKSPACE, 'docker-compose.yml'), 'utf8'), { merge: true });
  const envOf = (service: string, overrides: Record<string, string>) => {
    const env = { ...compose.services[service].environment, ...overrides };
    for (const key of ['PORT', 'HOST', 'LOKI_URL']) delete env[key];
    return env;
  };
  const inference = await startNodeService({
    name: 'inference',
    entry: 'dist/apps/inference/main.js',
    env: envOf('inference', { MODEL_REPOSITORY: models!.root }),
    readyPath: '/readyz',
    readyTimeoutMs: 90_000,
  });
  started.push(inference);
  const dispatcher = await startNodeService({
    name: 'dispatcher',
    entry: 'dist/apps/dispatcher/main.js',
    env: envOf('dispatcher', { REDIS_URL: redis!.url, INFERENCE_URLS: `digits-cnn=${inference.url}` }),
    readyPath: '/ready',
  });
  started.push(dispatcher);
  expect((await fetch(`${dispatcher.url}/ready`)).status).toBe(200);
});
