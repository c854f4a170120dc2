import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
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
import {
  StageClock,
  tensorToV2BinaryOutput,
  tensorToV2Output,
  toV2Metadata,
  v2BinaryDataSize,
  v2BinaryInputToTensor,
  v2InputToTensor,
  type BatchFeeds,
} from '@ai/model-runtime';
import type { InferenceContext } from '../inference-context';
import { toAppError } from '../bad-input-handler';
import { INFERENCE_HEADER_CONTENT_LENGTH, joinBinaryBody, splitBinaryBody } from '../kserve-binary';
import { arrivalOf } from '../request-arrival';
import type { ModelRouteModule } from './route-module';

/** Whether an output goes back as binary data: its own `binary_data`, else the request's `binary_data_output`. */
function wantsBinary(parameters: Record<string, unknown> | undefined, key: string, field: string, fallback: boolean): boolean {
  const value = parameters?.[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw AppError.badRequest(`${field}.parameters.${key}: must be true or false, got ${JSON.stringify(value)}`, `${field}.parameters.${key}`);
  return value;
}

const MODEL = '/v2/models/:name';

/**
 * GET /v2's answer. The version is the workspace's (package.json). No protocol extension is implemented: tensors are
 * JSON only (no binary_tensor_data), and there is no classification, model_repository, statistics, sequence,
 * shared_memory, trace or logging extension.
 */
export const V2_SERVER_METADATA: V2ServerMetadata = { name: 'autoscaled-inference', version: '0.1.0', extensions: ['binary_tensor_data'] };
const VERSIONED = '/v2/models/:name/versions/:version';

/**
 * The KServe / Open Inference Protocol v2 REST endpoints with JSON tensors, for standard clients. Errors use the
 * protocol's own `{ "error": "..." }` body.
 */
export function kserveV2Routes(ctx: InferenceContext): ModelRouteModule {
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
    // Errors of the binary body's reader (over the limit, aborted) carry their own 4xx status.
    const bodyError = error as { type?: string; status?: number; message?: string };
    const bodyStatus =
      typeof bodyError?.type === 'string' && typeof bodyError.status === 'number' && bodyError.status >= 400 && bodyError.status < 500
        ? bodyError.status
        : undefined;
    const status = appError instanceof AppError ? appError.status : (bodyStatus ?? 500);
    const message = appError instanceof AppError ? appError.message : bodyStatus ? `body: ${bodyError.message}` : 'internal error';
    if (status >= 500) ctx.logger.error('v2 request failed', { requestId: req.id, path: req.path, error: (error as Error)?.stack ?? String(error) });
    res.status(status).json({ error: message });
  };

  // A body in the binary tensor data format is read whole, whatever its content type (Triton's clients send
  // application/octet-stream, or none); JSON bodies were parsed before routing.
  const rawBody = express.raw({ type: () => true, limit: ctx.config.BODY_LIMIT_BYTES });
  const binaryBody: RequestHandler = (req, res, next) => (req.headers[INFERENCE_HEADER_CONTENT_LENGTH] !== undefined ? rawBody(req, res, next) : next());

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
    router.post(`${base}/infer`, ctx.instrument(), binaryBody, async (req, res) => {
      const clock = new StageClock(arrivalOf(req));
      checkModel(req);
      // With the binary tensor data extension, the body is a JSON header followed by the tensors' bytes.
      const headerLength = req.header(INFERENCE_HEADER_CONTENT_LENGTH);
      const { header, binary } = headerLength !== undefined ? splitBinaryBody(req.body, headerLength) : { header: req.body, binary: undefined };
      const parsed = V2InferenceRequest.safeParse(header);
      if (!parsed.success) {
        const problem = firstProblem(parsed.error);
        throw AppError.badRequest(problem.message, problem.field);
      }
      const body = parsed.data;
      clock.lap('parse');
      const model = ctx.model();
      const feeds: BatchFeeds = {};
      let binaryOffset = 0;
      body.inputs.forEach((input, i) => {
        const field = `inputs.${i}`;
        const spec = model.config.inputs.find((s) => s.name === input.name);
        if (!spec)
          throw AppError.badRequest(
            `${field}.name: unknown input "${input.name}" (the model takes ${model.config.inputs.map((s) => s.name).join(', ')})`,
            `${field}.name`,
          );
        const size = v2BinaryDataSize(input, field);
        if (size === undefined) {
          feeds[input.name] = v2InputToTensor(input, spec, field, model.config.maxBatchSize);
          return;
        }
        if (!binary)
          throw AppError.badRequest(
            `${field}.parameters.binary_data_size: binary data needs the Inference-Header-Content-Length header`,
            `${field}.parameters.binary_data_size`,
          );
        if (binaryOffset + size > binary.length) {
          throw AppError.badRequest(
            `${field}.parameters.binary_data_size: ${size} bytes, but only ${binary.length - binaryOffset} are left after the inference header`,
            `${field}.parameters.binary_data_size`,
          );
        }
        feeds[input.name] = v2BinaryInputToTensor(input, spec, field, binary.subarray(binaryOffset, binaryOffset + size), model.config.maxBatchSize);
        binaryOffset += size;
      });
      if (binary && binaryOffset !== binary.length) {
        throw AppError.badRequest(
          `body: ${binary.length} bytes of binary data after the inference header, but the inputs' binary_data_size add up to ${binaryOffset}`,
          'body',
        );
      }
      const missing = model.config.inputs.filter((s) => !feeds[s.name]);
      if (missing.length > 0) throw AppError.badRequest(`inputs: missing ${missing.map((s) => `"${s.name}"`).join(', ')}`, 'inputs');
      const rows = new Set(Object.values(feeds).map((t) => t.dims[0]));
      if (rows.size > 1) throw AppError.badRequest('inputs: every input must have the same batch size (shape[0])', 'inputs');
      const allBinary = wantsBinary(body.parameters, 'binary_data_output', 'body', false);
      const wanted =
        body.outputs?.map((o, j) => ({ name: o.name, binary: wantsBinary(o.parameters, 'binary_data', `outputs.${j}`, allBinary) })) ??
        model.session.outputNames.map((name) => ({ name, binary: allBinary }));
      const unknown = wanted.filter((o) => !model.session.outputNames.includes(o.name));
      if (unknown.length > 0) throw AppError.badRequest(`outputs: unknown output ${unknown.map((o) => `"${o.name}"`).join(', ')}`, 'outputs');
      clock.lap('tensor');

      ctx.artificialWork();
      const result = await model.run(feeds);
      clock.lapSplit('run', { queue: result.queueMs + result.assemblyMs, run: result.inferenceMs });
      ctx.metrics.queue.observe(result.queueMs / 1000);
      const parts: Buffer[] = [];
      const outputs = wanted.map(({ name, binary: asBinary }) => {
        if (!asBinary) return tensorToV2Output(name, result.outputs[name]);
        const { output, bytes } = tensorToV2BinaryOutput(name, result.outputs[name]);
        parts.push(bytes);
        return output;
      });
      clock.lap('topk');
      const response: V2InferenceResponse = {
        model_name: ctx.modelName,
        model_version: ctx.modelVersion,
        ...(body.id !== undefined && { id: body.id }),
        outputs,
      };
      if (parts.length === 0) {
        res.json(response);
      } else {
        const framed = joinBinaryBody(response, parts);
        res.setHeader('Inference-Header-Content-Length', String(framed.headerLength));
        res.type('application/octet-stream').send(framed.body);
      }
      clock.lap('serialise');
      ctx.metrics.stages(clock.times);
    });
  }
  router.use(v2Errors);

  const errors = { 400: { description: 'bad tensor', schema: V2Error }, 404: { description: 'unknown model or version', schema: V2Error } };
  return {
    docs: [
      {
        method: 'get',
        path: '/v2',
        summary: 'v2 server metadata: name, version, extensions supported (binary_tensor_data)',
        tags: ['kserve-v2'],
        responses: { 200: { description: 'server metadata', schema: V2ServerMetadata } },
      },
      {
        method: 'get',
        path: '/v2/health/live',
        summary: 'v2 server liveness',
        tags: ['kserve-v2'],
        responses: { 200: { description: 'live', schema: V2ServerLive } },
      },
      {
        method: 'get',
        path: '/v2/health/ready',
        summary: 'v2 server readiness',
        tags: ['kserve-v2'],
        responses: { 200: { description: 'ready', schema: V2ServerReady } },
      },
      ...['/v2/models/{name}', '/v2/models/{name}/versions/{version}'].flatMap((path) => [
        {
          method: 'get' as const,
          path,
          summary: 'v2 model metadata',
          tags: ['kserve-v2'],
          responses: { 200: { description: 'metadata', schema: V2ModelMetadata }, ...errors },
        },
        {
          method: 'get' as const,
          path: `${path}/ready`,
          summary: 'v2 model readiness',
          tags: ['kserve-v2'],
          responses: { 200: { description: 'ready', schema: V2ModelReady }, ...errors },
        },
        {
          method: 'post' as const,
          path: `${path}/infer`,
          summary:
            'v2 inference with JSON tensors (flat or nested data), or binary tensors (KServe binary tensor data extension: ' +
            'Inference-Header-Content-Length bytes of JSON, then each input with parameters.binary_data_size as raw little-endian bytes; ' +
            'outputs with parameters.binary_data, or all with parameters.binary_data_output, come back the same way)',
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
