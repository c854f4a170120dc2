import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { GpuStatus } from '@ai/contracts';
import { probeGpus, REQUEST_STAGES, type StageTimes } from '@ai/model-runtime';
import { LATENCY_BUCKETS_SECONDS } from '@ai/observability';

/** The model every metric of this process is about. */
export interface ModelLabels {
  model: string;
  version: string;
}

const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];
const TOKEN_BUCKETS_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** From 25 µs (a base64 decode, a top-5) to seconds (a queue behind large batches). */
const STAGE_BUCKETS_SECONDS = [0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The GPUs of this host as nvidia-smi reports them, asked at most once per `ttlMs` (scrapes come every few seconds). */
export function cachedGpuProbe(probe: () => Promise<GpuStatus[] | undefined> = probeGpus, ttlMs = 5_000): () => Promise<GpuStatus[] | undefined> {
  let last: { at: number; result: Promise<GpuStatus[] | undefined> } | undefined;
  return () => {
    if (!last || Date.now() - last.at > ttlMs) last = { at: Date.now(), result: probe() };
    return last.result;
  };
}

/**
 * The inference service's metrics (names shared with dashboards and KEDA triggers), bound to its model.
 * `gpus` feeds inference_gpu_utilization_percent at scrape time (the GPU panel shows it beside the DCGM
 * exporter's); on a host without nvidia-smi it answers undefined and the gauge has no series.
 */
export function createInferenceMetrics(registry: Registry, labels: ModelLabels, gpus: () => Promise<GpuStatus[] | undefined> = cachedGpuProbe()) {
  const modelLabels = ['model', 'version'] as const;
  const registers = [registry];
  const requests = new Counter({
    name: 'inference_requests_total',
    help: 'Inference requests by HTTP status.',
    labelNames: [...modelLabels, 'status'] as const,
    registers,
  });
  const exceptions = new Counter({
    name: 'inference_exceptions_total',
    help: 'Inference requests that failed on the server side (5xx).',
    labelNames: modelLabels,
    registers,
  });
  const latency = new Histogram({
    name: 'inference_latency_seconds',
    help: 'Inference request latency, seconds.',
    labelNames: modelLabels,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const batchSize = new Histogram({ name: 'inference_batch_size', help: 'Rows per session.run.', labelNames: modelLabels, buckets: BATCH_BUCKETS, registers });
  const queue = new Histogram({
    name: 'inference_queue_seconds',
    help: 'Time a request waited for its batch, seconds.',
    labelNames: modelLabels,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  const loadSeconds = new Gauge({ name: 'model_load_seconds', help: 'Time to open and warm up the model, seconds.', labelNames: modelLabels, registers });
  const providerInfo = new Gauge({
    name: 'inference_provider_info',
    help: 'The execution provider in use (value 1).',
    labelNames: [...modelLabels, 'provider'] as const,
    registers,
  });
  const stage = new Histogram({
    name: 'inference_stage_seconds',
    help: 'Time one inference request spent in each stage (parse, base64, decode, tensor, queue, run, topk, serialise), seconds.',
    labelNames: [...modelLabels, 'stage'] as const,
    buckets: STAGE_BUCKETS_SECONDS,
    registers,
  });
  const inFlight = new Gauge({ name: 'inference_in_flight', help: 'Inference requests being served.', labelNames: modelLabels, registers });
  const tokens = new Counter({ name: 'generation_tokens_total', help: 'Tokens generated.', labelNames: modelLabels, registers });
  const timePerToken = new Histogram({
    name: 'generation_time_per_token_seconds',
    help: 'Time per generated token after the first, seconds.',
    labelNames: modelLabels,
    buckets: TOKEN_BUCKETS_SECONDS,
    registers,
  });
  const timeToFirstToken = new Histogram({
    name: 'generation_time_to_first_token_seconds',
    help: 'Time to the first generated token, seconds.',
    labelNames: modelLabels,
    buckets: LATENCY_BUCKETS_SECONDS,
    registers,
  });
  new Gauge({
    name: 'inference_gpu_utilization_percent',
    help: 'Utilisation of each GPU of this host in percent, as nvidia-smi reports it, read at scrape time.',
    labelNames: [...modelLabels, 'gpu'] as const,
    registers,
    async collect() {
      const found = await gpus();
      this.reset();
      for (const gpu of found ?? []) this.set({ ...labels, gpu: String(gpu.index) }, gpu.utilizationPercent);
    },
  });
  const l = labels;
  // Every stage's series exists from the start (at zero), so dashboards and rate() see them before traffic.
  for (const name of REQUEST_STAGES) stage.zero({ ...l, stage: name });
  const stageChildren = new Map<string, ReturnType<typeof stage.labels>>();
  const stageChild = (name: string) => {
    let child = stageChildren.get(name);
    if (!child) stageChildren.set(name, (child = stage.labels({ ...l, stage: name })));
    return child;
  };
  return {
    /** Records one request's stage times (milliseconds). */
    stages: (times: StageTimes) => {
      for (const [name, ms] of Object.entries(times)) if (ms !== undefined) stageChild(name).observe(ms / 1000);
    },
    requests: (status: number) => requests.inc({ ...l, status: String(status) }),
    exceptions: exceptions.labels(l),
    latency: latency.labels(l),
    batchSize: batchSize.labels(l),
    queue: queue.labels(l),
    loadSeconds: loadSeconds.labels(l),
    provider: (provider: string) => providerInfo.set({ ...l, provider }, 1),
    inFlight: inFlight.labels(l),
    tokens: tokens.labels(l),
    timePerToken: timePerToken.labels(l),
    timeToFirstToken: timeToFirstToken.labels(l),
  };
}
export type InferenceMetrics = ReturnType<typeof createInferenceMetrics>;
