/**
 * Serving cost of the inference service, measured against raw onnxruntime on the same machine in the same run:
 *
 *   npx nx run inference:bench            (or: npx tsx --tsconfig tsconfig.base.json apps/inference/bench/inference-bench.ts [--seconds 5])
 *
 * For ResNet-50-, MobileNetV2- and AlexNet-shaped benchmark models (224×224 RGB, seeded random weights):
 * 1. Raw `session.run` images/s at batch 1 and at the best batch size, on the calling thread with onnxruntime's
 *    default options (the fastest way to run the model with nothing else to do); and batch 1 on two single-threaded
 *    sessions side by side, what two model instances have to work with.
 * 2. POST /infer over HTTP (in-process server, keep-alive clients, pre-encoded 224×224 JPEGs) at concurrency 1, 8 and
 *    32, with dynamic batching off and on, each with one model instance and with two instances of one thread; each
 *    as a ratio to raw batch-1 throughput, and whether the goal is met.
 * 3. For digits-cnn, the per-request serving overhead: HTTP latency at concurrency 1 minus raw batch-1 session.run.
 * 4. For tiny-lm, tokens/s at batch 1: the raw session.run loop and the generator (libs/text-generation's bench),
 *    and POST /generate over HTTP, each as a ratio to the raw loop.
 * Writes the figures to the `## inference` section of BENCHMARKS.md.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { createInferenceSession, resolveModelVersion, type TensorMap } from '@ai/model-runtime';
import { createLogger } from '@ai/observability';
import * as ort from 'onnxruntime-node';
import { parseInferenceConfig } from '../src/config';
import { start } from '../src/server';
import { IMAGENET_BENCH_MODELS, writeImageNetBenchModel, type ImageNetBenchModel } from '../test/imagenet-model';
import { writeBenchmarkSection } from './benchmarks-file';
import { generateOverHttp, lmRawFigures, type LmRawFigures } from './generate-bench';
import { closedLoop, type ClosedLoopResult } from './http-load';
import { measureRaw, type RawResult } from './raw-session';

const argSeconds = process.argv.indexOf('--seconds');
const HTTP_SECONDS = argSeconds > 0 ? Number(process.argv[argSeconds + 1]) : 5;
const RAW_SECONDS = Math.max(1, HTTP_SECONDS * 0.6);
const CONCURRENCY = [1, 8, 32];
const BATCH_SIZES = [2, 4, 8, 16];
const logger = createLogger({ service: 'inference-bench', level: 'error', silent: true });

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const log = (line: string) => console.log(line);

function zeroFeeds(shape: number[]): (rows: number) => TensorMap {
  return (rows) => {
    const dims = [rows, ...shape.slice(1)];
    return { input: new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims) };
  };
}

interface RawFigures {
  batch1: RawResult;
  best: RawResult;
  all: RawResult[];
  /** Batch 1 on two single-threaded sessions side by side: what `MODEL_INSTANCES=2` has to work with. */
  twoInstances?: RawResult;
}

async function rawFigures(modelDir: string, batchSizes: number[], withInstances = false): Promise<RawFigures> {
  const version = resolveModelVersion({ path: modelDir });
  // onnxruntime's defaults (idle threads spin) on the calling thread: the fastest way to run the model alone.
  const { session } = await createInferenceSession({ modelFile: version.modelFile, providers: 'auto', allowSpinning: true, thread: 'main' });
  const feeds = zeroFeeds(version.config.inputs[0].shape);
  const batch1 = await measureRaw([session], feeds, 1, RAW_SECONDS);
  const all = [batch1];
  for (const size of batchSizes) all.push(await measureRaw([session], feeds, size, RAW_SECONDS * 0.6));
  await session.release();
  const best = all.reduce((a, b) => (b.imagesPerSecond > a.imagesPerSecond ? b : a));
  if (!withInstances) return { batch1, best, all };
  const instances = await Promise.all(
    [0, 1].map(async () => (await createInferenceSession({ modelFile: version.modelFile, providers: 'auto', intraOpThreads: 1, thread: 'worker' })).session),
  );
  const twoInstances = await measureRaw(instances, feeds, 1, RAW_SECONDS);
  await Promise.all(instances.map((instance) => instance.release()));
  return { batch1, best, all, twoInstances };
}

async function httpFigures(modelDir: string, env: Record<string, string>, bodies: Buffer[], contentType: string, concurrencies: number[], seconds = HTTP_SECONDS): Promise<ClosedLoopResult[]> {
  const config = parseInferenceConfig({ MODEL_PATH: modelDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env });
  const service = await start(config, { logger });
  try {
    const results = [];
    for (const c of concurrencies) results.push(await closedLoop(`${service.url}/infer?topK=5`, bodies, contentType, c, seconds));
    return results;
  } finally {
    await service.stop();
  }
}

async function imagenetJpegs(count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, (_, k) => {
      const pixels = Buffer.from(Array.from({ length: 224 * 224 * 3 }, (_, i) => (i * (7919 + k * 31)) % 256));
      return sharp(pixels, { raw: { width: 224, height: 224, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
    }),
  );
}

async function imageNetSection(name: ImageNetBenchModel, httpSeconds: number, jpegs: Buffer[], out: (line?: string) => void): Promise<void> {
  const benchDir = writeImageNetBenchModel(join(WORKSPACE_ROOT, 'tmp/bench-models'), 1, name);
  const raw = await rawFigures(benchDir, BATCH_SIZES, true);
  const batchCap = Math.max(8, raw.best.batchSize);
  const twoInstances = { MODEL_INSTANCES: '2', ORT_INTRA_OP_THREADS: '1' };
  const batching = { MAX_BATCH_SIZE: String(batchCap), MAX_BATCH_DELAY_MS: '5' };
  const modes: { label: string; env: Record<string, string>; batching: boolean }[] = [
    { label: 'without batching', env: { MAX_BATCH_SIZE: '1' }, batching: false },
    { label: 'without batching, 2 instances × 1 thread', env: { MAX_BATCH_SIZE: '1', ...twoInstances }, batching: false },
    { label: `with batching (max ${batchCap}, delay 5 ms)`, env: batching, batching: true },
    { label: 'with batching, 2 instances × 1 thread', env: { ...batching, ...twoInstances }, batching: true },
  ];
  // Raw batch 1 is measured again after each mode, and each mode's ratio is against the mean of the raw runs just
  // before and just after it: the speed of a shared machine drifts over the minutes a section takes (by up to 2× in
  // one run here), and this keeps the drift from landing on one side of the ratios.
  const http: { results: ClosedLoopResult[]; baseline: number }[] = [];
  let before = raw.batch1.imagesPerSecond;
  for (const mode of modes) {
    const results = await httpFigures(benchDir, mode.env, jpegs, 'image/jpeg', CONCURRENCY, httpSeconds);
    const after = (await rawFigures(benchDir, [])).batch1.imagesPerSecond;
    http.push({ results, baseline: (before + after) / 2 });
    before = after;
  }

  out();
  out(`### ${IMAGENET_BENCH_MODELS[name].title}-shaped benchmark model (224×224 RGB, random weights)`);
  out();
  const base = raw.batch1.imagesPerSecond;
  const rawRow = (label: string, r: RawResult) => out(`| ${label} | ${fmt(r.meanMs)} | ${fmt(r.imagesPerSecond)} | ${fmt(r.imagesPerSecond / base, 2)} |`);
  out('| raw session.run | ms per run | images/s | × raw batch-1 |');
  out('|---|---:|---:|---:|');
  for (const r of raw.all) rawRow(`batch ${r.batchSize}${r === raw.best ? ' (best)' : ''}`, r);
  if (raw.twoInstances) rawRow('batch 1, 2 sessions × 1 thread side by side', raw.twoInstances);
  out();
  out('| POST /infer over HTTP | concurrency | requests/s | raw batch-1 around it, images/s | × raw batch-1 | p50 ms | p99 ms |');
  out('|---|---:|---:|---:|---:|---:|---:|');
  modes.forEach((mode, m) => {
    const { results, baseline } = http[m];
    results.forEach((r, i) =>
      out(`| ${mode.label} | ${CONCURRENCY[i]} | ${fmt(r.perSecond)} | ${fmt(baseline)} | ${fmt(r.perSecond / baseline, 2)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} |`),
    );
  });
  out();
  out('Goal at concurrency ≥ 8, the lower of the two figures: with batching ≥ 1.0× and without ≥ 0.8× raw batch-1.');
  modes.forEach((mode, m) => {
    const goal = mode.batching ? 1.0 : 0.8;
    const { results, baseline } = http[m];
    const lowest = Math.min(...results.filter((_, i) => CONCURRENCY[i] >= 8).map((r) => r.perSecond / baseline));
    out(`- ${mode.label}: ${fmt(lowest, 3)}× against ${fmt(goal)}× (${lowest >= goal ? 'met' : 'not met'})`);
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const startLoad = loadavg()[0];
  const lines: string[] = [];
  const out = (line = '') => {
    lines.push(line);
    log(line);
  };
  out(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores; onnxruntime-node ${ort.env.versions.common}; ${HTTP_SECONDS} s per HTTP point (${2 * HTTP_SECONDS} s for ResNet-50); load average (1 min) at the start: ${fmt(startLoad)}.`);
  const jpegs = await imagenetJpegs(4);
  // ResNet-50 (about 4 GFLOPs per image) is what serving benchmarks usually quote; MobileNetV2 (0.3 GFLOPs) is light
  // enough that the per-request work around the model shows.
  await imageNetSection('resnet50-bench', 2 * HTTP_SECONDS, jpegs, out);
  await imageNetSection('mobilenetv2-bench', HTTP_SECONDS, jpegs, out);
  // AlexNet's dense layers hold 58.6 M weights that a batch-1 run reads for little arithmetic: the model that
  // shows what dynamic batching gives a CPU when the model has something to gain.
  await imageNetSection('alexnet-bench', HTTP_SECONDS, jpegs, out);

  const digitsDir = join(WORKSPACE_ROOT, 'models/digits-cnn');
  const imagesDir = join(WORKSPACE_ROOT, 'workloads/images');
  if (existsSync(digitsDir) && existsSync(imagesDir)) {
    const digits = resolveModelVersion({ repository: join(WORKSPACE_ROOT, 'models'), name: 'digits-cnn' });
    const digitsRaw = await rawFigures(digits.dir, []);
    const samples = readdirSync(imagesDir).filter((f) => /^digit-.*\.png$/.test(f)).slice(0, 8);
    const bodies = samples.map((f) => readFileSync(join(imagesDir, f)));
    const [http] = await httpFigures(digits.dir, { MAX_BATCH_SIZE: '1' }, bodies, 'image/png', [1]);
    out();
    out(`### digits-cnn version ${digits.config.version} (serving overhead)`);
    out();
    out('| | ms per request |');
    out('|---|---:|');
    out(`| raw session.run, batch 1 | ${fmt(digitsRaw.batch1.meanMs, 2)} |`);
    out(`| POST /infer (PNG), concurrency 1, mean | ${fmt(http.meanMs, 2)} |`);
    out(`| serving overhead (HTTP + decode + preprocessing) | ${fmt(http.meanMs - digitsRaw.batch1.meanMs, 2)} |`);
  }

  const lmDir = join(WORKSPACE_ROOT, 'models/tiny-lm');
  if (existsSync(lmDir)) {
    const lm = resolveModelVersion({ repository: join(WORKSPACE_ROOT, 'models'), name: 'tiny-lm' });
    // The raw loop runs before and after the HTTP run and the two are averaged, so drift in the load of a shared
    // machine during the run does not land on one side of the ratio only.
    const before = lmRawFigures(lm.dir, 128, 16);
    const http = await generateOverHttp(lm.dir, before, HTTP_SECONDS, logger);
    const after = lmRawFigures(lm.dir, 128, 16);
    const mean = (f: (r: LmRawFigures) => number) => (f(before) + f(after)) / 2;
    const raw: LmRawFigures = {
      ...before,
      raw: { tokensPerSecond: mean((r) => r.raw.tokensPerSecond), msPerToken: mean((r) => r.raw.msPerToken) },
      generator: { tokensPerSecond: mean((r) => r.generator.tokensPerSecond), msPerToken: mean((r) => r.generator.msPerToken), ratioToRaw: mean((r) => r.generator.ratioToRaw) },
      timeToFirstTokenMs: mean((r) => r.timeToFirstTokenMs),
    };
    out();
    out(`### tiny-lm version ${lm.config.version} (text generation, batch 1)`);
    out();
    out(`Prompt of ${raw.promptTokens} tokens + ${raw.newTokens} new (temperature 0.8, top-k 40), 1 intra-op thread; the raw loop replays the generator's exact contexts.`);
    out();
    out('| loop | tokens/s | ms/token | × raw session.run |');
    out('|---|---:|---:|---:|');
    out(`| raw session.run loop | ${fmt(raw.raw.tokensPerSecond, 0)} | ${fmt(raw.raw.msPerToken, 2)} | 1.00 |`);
    out(`| generator (tokenize, run, sample, decode) | ${fmt(raw.generator.tokensPerSecond, 0)} | ${fmt(raw.generator.msPerToken, 2)} | ${fmt(raw.generator.ratioToRaw, 2)} |`);
    out(`| POST /generate over HTTP, concurrency 1 (${http.requests} requests) | ${fmt(http.tokensPerSecond, 0)} | ${fmt(1000 / http.tokensPerSecond, 2)} | ${fmt(http.tokensPerSecond / raw.raw.tokensPerSecond, 2)} |`);
    out();
    out(`Raw session.run loop before / after the HTTP run: ${fmt(before.raw.tokensPerSecond, 0)} / ${fmt(after.raw.tokensPerSecond, 0)} tokens/s (the baseline is their mean).`);
    out(`Time to first token (mean): generator ${fmt(raw.timeToFirstTokenMs, 2)} ms, /generate ${fmt(http.timeToFirstTokenMs, 2)} ms (server-side); /generate request ${fmt(http.meanRequestMs, 1)} ms for ${fmt(http.tokens / http.requests, 0)} tokens.`);
  }
  out();
  // At the end the load average is mostly this bench's own work, so only the load found at the start says whether
  // something else was competing.
  out(`Load average (1 min) at the end: ${fmt(loadavg()[0])} on ${availableParallelism()} cores (mostly this bench); ratios are only comparable within one run.`);
  if (startLoad > availableParallelism()) {
    out('The machine was busy (load average above its core count): these figures measure contention for the cores, not the service; re-run on a quiet machine.');
  }
  log(`\nfinished in ${fmt((performance.now() - started) / 1000)} s`);

  const file = join(WORKSPACE_ROOT, 'BENCHMARKS.md');
  writeBenchmarkSection(file, 'inference', ['Command: `npx nx run inference:bench`', '', ...lines].join('\n'));
  log(`wrote the "## inference" section of ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
