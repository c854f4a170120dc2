import { Router, type ErrorRequestHandler, type Request } from 'express';
import {
  firstProblem,
  V2Error,
  V2InferenceRequest,
  V2InferenceResponse,
  V2ModelMetadata,
  V2ModelReady,
  V2ServerLive,
  V2ServerMetadata,
  V2ServerReady,
} from '@ai/contracts';
import { AppError } from '@ai/http-server';
import { tensorToV2Output, toV2Metadata, v2InputToTensor, type TensorMap } from '@ai/model-runtime';
import type { InferenceContext } from '../inference-context';
import { toAppError } from '../bad-input-handler';
import type { RouteModule } from './route-module';

const MODEL = '/v2/models/:name';

/**
 * GET /v2's answer. The version is the workspace's (package.json). No protocol extension is implemented: tensors are
 * JSON only (no binary_tensor_data), and there is no classification, model_repository, statistics, sequence,
 * shared_memory, trace or logging extension.
 */
export const V2_SERVER_METADATA: V2ServerMetadata = { name: 'autoscaled-inference', version: '0.1.0', extensions: [] };
const VERSIONED = '/v2/models/:name/versions/:version';

/**
 * The KServe / Open Inference Protocol v2 REST endpoints with JSON tensors, for standard clients. Errors use the
 * protocol's own `{ "error": "..." }` body.
 */
export function kserveV2Routes(ctx: InferenceContext): RouteModule {
  /** 404 unless the path names this process's model (and version, when given). */
  const checkModel = (req: Request) => {
    const { name, version } = req.params as { name: string; version?: string };
    if (name !== ctx.modelName) throw AppError.notFound(`model "${name}" is not served here (serving "${ctx.modelName}")`);
    if (version !== undefined && version !== ctx.modelVersion) {
      throw AppError.notFound(`version "${version}" of model "${name}" is not served here (serving version ${ctx.modelVersion})`);
    }
  };

  const metadata = (): V2ModelMetadata => ({
    name: ctx.modelName,
    versions: [ctx.modelVersion],
    platform: 'onnxruntime_onnx',
    inputs: ctx.version.config.inputs.map(toV2Metadata),
    outputs: ctx.version.config.outputs.map(toV2Metadata),
    config: ctx.version.config,
    autoCompleted: ctx.version.autoCompleted ?? [],
  });

  const v2Errors: ErrorRequestHandler = (error, req, res, _next) => {
    const appError = toAppError(error);
    const status = appError instanceof AppError ? appError.status : 500;
    const message = appError instanceof AppError ? appError.message : 'internal error';
    if (status >= 500) ctx.logger.error('v2 request failed', { requestId: req.id, path: req.path, error: (error as Error)?.stack ?? String(error) });
    res.status(status).json({ error: message });
  };

  const router = Router();
  router.get('/v2', (_req, res) => {
    res.json(V2_SERVER_METADATA);
  });
  router.get('/v2/health/live', (_req, res) => {
    res.json({ live: true });
  });
  router.get('/v2/health/ready', (_req, res) => {
    res.status(ctx.ready ? 200 : 503).json({ ready: ctx.ready });
  });
  for (const base of [MODEL, VERSIONED]) {
    router.get(base, (req, res) => {
      checkModel(req);
      res.json(metadata());
    });
    router.get(`${base}/ready`, (req, res) => {
      checkModel(req);
      res.status(ctx.ready ? 200 : 503).json({ name: ctx.modelName, ready: ctx.ready });
    });
    router.post(`${base}/infer`, ctx.instrument(), async (req, res) => {
      checkModel(req);
      const parsed = V2InferenceRequest.safeParse(req.body);
      if (!parsed.success) throw AppError.badRequest(firstProblem(parsed.error).message);
      const body = parsed.data;
      const model = ctx.model();
      const feeds: TensorMap = {};
      body.inputs.forEach((input, i) => {
        const spec = model.config.inputs.find((s) => s.name === input.name);
        if (!spec) throw AppError.badRequest(`inputs.${i}.name: unknown input "${input.name}" (the model takes ${model.config.inputs.map((s) => s.name).join(', ')})`);
        feeds[input.name] = v2InputToTensor(input, spec, `inputs.${i}`, model.config.maxBatchSize);
      });
      const missing = model.config.inputs.filter((s) => !feeds[s.name]);
      if (missing.length > 0) throw AppError.badRequest(`inputs: missing ${missing.map((s) => `"${s.name}"`).join(', ')}`);
      const rows = new Set(Object.values(feeds).map((t) => t.dims[0]));
      if (rows.size > 1) throw AppError.badRequest('inputs: every input must have the same batch size (shape[0])');
      const wanted = body.outputs?.map((o) => o.name) ?? model.session.outputNames;
      const unknown = wanted.filter((name) => !model.session.outputNames.includes(name));
      if (unknown.length > 0) throw AppError.badRequest(`outputs: unknown output ${unknown.map((n) => `"${n}"`).join(', ')}`);

      ctx.artificialWork();
      const result = await model.run(feeds);
      ctx.metrics.queue.observe(result.queueMs / 1000);
      const response: V2InferenceResponse = {
        model_name: ctx.modelName,
        model_version: ctx.modelVersion,
        ...(body.id !== undefined && { id: body.id }),
        outputs: wanted.map((name) => tensorToV2Output(name, result.outputs[name])),
      };
      res.json(response);
    });
  }
  router.use(v2Errors);

  const errors = { 400: { description: 'bad tensor', schema: V2Error }, 404: { description: 'unknown model or version', schema: V2Error } };
  return {
    docs: [
      { method: 'get', path: '/v2', summary: 'v2 server metadata: name, version, extensions supported (none)', tags: ['kserve-v2'], responses: { 200: { description: 'server metadata', schema: V2ServerMetadata } } },
      { method: 'get', path: '/v2/health/live', summary: 'v2 server liveness', tags: ['kserve-v2'], responses: { 200: { description: 'live', schema: V2ServerLive } } },
      { method: 'get', path: '/v2/health/ready', summary: 'v2 server readiness', tags: ['kserve-v2'], responses: { 200: { description: 'ready', schema: V2ServerReady } } },
      ...['/v2/models/{name}', '/v2/models/{name}/versions/{version}'].flatMap((path) => [
        { method: 'get' as const, path, summary: 'v2 model metadata', tags: ['kserve-v2'], responses: { 200: { description: 'metadata', schema: V2ModelMetadata }, ...errors } },
        { method: 'get' as const, path: `${path}/ready`, summary: 'v2 model readiness', tags: ['kserve-v2'], responses: { 200: { description: 'ready', schema: V2ModelReady }, ...errors } },
        {
          method: 'post' as const,
          path: `${path}/infer`,
          summary: 'v2 inference with JSON tensors (flat or nested data)',
          tags: ['kserve-v2'],
          request: V2InferenceRequest,
          responses: { 200: { description: 'output tensors', schema: V2InferenceResponse }, ...errors },
        },
      ]),
    ],
    mount(app) {
      app.use(router);
    },
  };
}
