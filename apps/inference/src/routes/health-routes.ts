import type { Express } from 'express';
import { InferenceHealth, Liveness, Readiness, type GpuStatus, type RouteDoc } from '@ai/contracts';
import { probeGpus } from '@ai/model-runtime';
import type { InferenceContext } from '../inference-context';
import type { ModelRouteModule } from './route-module';

const healthRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: fails only when the process can no longer serve (its model session died)',
    tags: ['health'],
    responses: { 200: { description: 'alive', schema: Liveness }, 503: { description: 'failed; restart the process', schema: Liveness } },
  },
  {
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: the model is loaded and warmed up, and the process is not draining',
    tags: ['health'],
    responses: { 200: { description: 'ready', schema: Readiness }, 503: { description: 'loading or draining', schema: Readiness } },
  },
  {
    method: 'get',
    path: '/health',
    summary: 'Model, provider, in-flight requests, GPUs',
    tags: ['health'],
    responses: { 200: { description: 'status', schema: InferenceHealth } },
  },
];

export function healthRoutes(ctx: InferenceContext): ModelRouteModule {
  return { docs: healthRouteDocs, mount: (app) => mountHealthRoutes(app, ctx) };
}

/** nvidia-smi takes tens of milliseconds; probes every few seconds should not spawn it each time. */
const GPU_PROBE_TTL_MS = 5_000;

function mountHealthRoutes(app: Express, ctx: InferenceContext): void {
  let gpuProbe: { at: number; result: Promise<GpuStatus[] | undefined> } | undefined;
  const gpus = () => {
    if (!gpuProbe || Date.now() - gpuProbe.at > GPU_PROBE_TTL_MS) gpuProbe = { at: Date.now(), result: probeGpus() };
    return gpuProbe.result;
  };

  app.get('/healthz', (_req, res) => {
    if (ctx.failure) res.status(503).json({ status: 'failed', reason: ctx.failure });
    else res.json({ status: 'ok' });
  });

  app.get('/readyz', (_req, res) => {
    const body: Readiness = {
      ready: ctx.ready,
      checks: {
        model: ctx.ready || ctx.draining ? { ok: true } : { ok: false, message: 'loading and warming up the model' },
        accepting: ctx.draining ? { ok: false, message: 'draining before shutdown' } : { ok: true },
        ...(ctx.failure && { session: { ok: false, message: ctx.failure } }),
      },
    };
    res.status(body.ready ? 200 : 503).json(body);
  });

  app.get('/health', async (_req, res) => {
    const model = ctx.ready || ctx.draining ? ctx.model() : undefined;
    const gpuStatus = await gpus();
    const body: InferenceHealth = {
      status: ctx.draining ? 'draining' : model ? 'ok' : 'loading',
      model: ctx.modelName,
      version: ctx.modelVersion,
      task: ctx.version.config.task,
      provider: model?.provider ?? 'cpu',
      uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
      inFlight: ctx.inFlight,
      batching: {
        enabled: model?.batcher.enabled ?? ctx.config.MAX_BATCH_SIZE > 1,
        maxBatchSize: Math.min(ctx.config.MAX_BATCH_SIZE, ctx.version.config.maxBatchSize),
        maxDelayMs: ctx.config.MAX_BATCH_DELAY_MS,
      },
      ...(gpuStatus && { gpus: gpuStatus }),
      ...(ctx.simulatedDevice && { simulatedDevice: ctx.simulatedDevice }),
    };
    res.json(body);
  });
}
