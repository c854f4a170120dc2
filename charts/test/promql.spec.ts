/**
 * Every PromQL expression in the dashboards, the rendered ScaledObjects and the alert rules parses and names
 * only metrics that exist: the ones the apps really expose on /metrics (the dispatcher and the inference
 * service are started here, on a real redis-server, once with an image classifier and once with the text-generation
 * model, which answers one /generate first so its labelled generation series exist), plus an allowlist of kube-state-metrics, cAdvisor and
 * NVIDIA DCGM series that come from the cluster.
 *
 * Parsing: with promtool on PATH (Debian's `prometheus` package) every expression also goes through
 * `promtool check rules`; without it only this project's own PromQL parser (tools/promql.ts) checks syntax.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startNodeService, startRedisServer, type RunningNodeService, type RunningRedisServer } from '@ai/local-stack';
import { exposedSeriesNames } from '../tools/exposition';
import { parsePromQL } from '../tools/promql';
import { alertRuleQueries, dashboardQueries, scaledObjectQueries, type PromQLSource } from '../tools/promql-sources';
import { disposeChart, render, SCENARIOS } from './scenarios';
import { tinyDigitsRepository } from './tiny-model';

/** Series from the cluster, not from our apps. */
const CLUSTER_SERIES = [
  'kube_deployment_status_replicas',
  'kube_horizontalpodautoscaler_status_desired_replicas',
  'container_cpu_usage_seconds_total',
  'DCGM_FI_DEV_GPU_UTIL',
  'DCGM_FI_DEV_FB_USED',
];

const sources: PromQLSource[] = [];
const exposed = new Set<string>();
const started: { stop(): Promise<unknown> }[] = [];
let redis: RunningRedisServer | undefined;
let models: ReturnType<typeof tinyDigitsRepository> | undefined;

async function scrape(service: RunningNodeService): Promise<void> {
  const res = await fetch(`${service.url}/metrics`);
  expect(res.status).toBe(200);
  for (const name of exposedSeriesNames(await res.text())) exposed.add(name);
}

beforeAll(async () => {
  sources.push(...dashboardQueries(), ...alertRuleQueries());
  for (const scenario of SCENARIOS) sources.push(...scaledObjectQueries(render(scenario), scenario));
  disposeChart();

  redis = await startRedisServer();
  const dispatcher = await startNodeService({
    name: 'dispatcher',
    entry: 'apps/dispatcher/src/main.ts',
    // Nothing listens on port 9: no job is sent in this test; the queue gauges only need the model list.
    env: { REDIS_URL: redis.url, INFERENCE_URLS: 'digits-cnn=http://127.0.0.1:9' },
    readyPath: '/health',
  });
  started.push(dispatcher);
  await scrape(dispatcher);
  models = tinyDigitsRepository();
  const inference = await startNodeService({
    name: 'inference',
    entry: 'apps/inference/src/main.ts',
    env: { MODEL_REPOSITORY: models.root, MODEL_NAME: 'digits-cnn', ORT_PROVIDERS: 'cpu', ORT_INTRA_OP_THREADS: '1' },
    readyPath: '/readyz',
    readyTimeoutMs: 90_000,
  });
  started.push(inference);
  await scrape(inference);
  // The committed text-generation model: the generation_* series appear once a token was generated.
  const lm = await startNodeService({
    name: 'inference-lm',
    entry: 'apps/inference/src/main.ts',
    env: { MODEL_NAME: 'tiny-lm', ORT_PROVIDERS: 'cpu', ORT_INTRA_OP_THREADS: '1' },
    readyPath: '/readyz',
    readyTimeoutMs: 90_000,
  });
  started.push(lm);
  const generated = await fetch(`${lm.url}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'The whale', max_new_tokens: 4, seed: 1 }),
  });
  expect(generated.status).toBe(200);
  await scrape(lm);
}, 180_000);

afterAll(async () => {
  for (const service of started.reverse()) await service.stop();
  await redis?.dispose();
  models?.dispose();
});

it('collects queries from the dashboards, the ScaledObjects of every scenario and the alert rules', () => {
  expect(sources.some((s) => s.where.includes('overview.json'))).toBe(true);
  expect(sources.some((s) => s.where.includes('ScaledObject'))).toBe(true);
  expect(sources.some((s) => s.where.startsWith('alert'))).toBe(true);
  // The text-generation model's panels sit beside the classifier's.
  const overview = sources
    .filter((s) => s.where.startsWith('overview.json'))
    .map((s) => s.expr)
    .join('\n');
  for (const metric of ['generation_tokens_total', 'generation_time_to_first_token_seconds_bucket', 'generation_time_per_token_seconds_bucket'])
    expect(overview).toContain(metric);
});

it('the apps expose the metrics the dashboards and autoscaling are built on', () => {
  for (const name of [
    'dispatcher_queue_depth',
    'dispatcher_e2e_latency_seconds_bucket',
    'inference_requests_total',
    'inference_batch_size_bucket',
    'process_cpu_seconds_total',
    'generation_tokens_total',
    'generation_time_to_first_token_seconds_bucket',
    'generation_time_per_token_seconds_bucket',
  ]) {
    expect(exposed).toContain(name);
  }
});

it('every expression parses', () => {
  const failures = sources.flatMap((s) => {
    try {
      parsePromQL(s.expr);
      return [];
    } catch (error) {
      return [`${s.where}: ${(error as Error).message}`];
    }
  });
  expect(failures).toEqual([]);
});

const promtool = spawnSync('promtool', ['--version']).status === 0;
(promtool ? it : it.skip)('every expression passes promtool check rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ai-promql-'));
  try {
    const rules = { groups: [{ name: 'all', rules: sources.map((s, i) => ({ record: `check:expr_${i}`, expr: s.expr })) }] };
    writeFileSync(join(dir, 'rules.yaml'), stringify(rules));
    execFileSync('promtool', ['check', 'rules', join(dir, 'rules.yaml')], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('every expression names only metrics the apps expose or the cluster provides', () => {
  const unknown = sources.flatMap((s) =>
    parsePromQL(s.expr)
      .filter((m) => !exposed.has(m) && !CLUSTER_SERIES.includes(m))
      .map((m) => `${s.where}: ${m}`),
  );
  expect(unknown).toEqual([]);
});

it('the parser rejects what Prometheus would reject, so the checks above can fail', () => {
  for (const bad of ['sum(rate(x[5m])', 'rate(x[5 m])', 'x{a=~"("}', 'no_such_function(x)', 'x{a="b" c="d"}', 'sum by (le (x)']) {
    expect(() => parsePromQL(bad)).toThrow();
  }
  expect(parsePromQL('histogram_quantile(0.99, sum by (le) (rate(a_bucket{m="x"}[1m]))) / on (m) group_left b offset 5m')).toEqual(['a_bucket', 'b']);
});
