import express from 'express';
import { ErrorBody, InferRequest, InferResponse } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { createImageClassifier, StageClock, type ImageClassifier } from '@ai/model-runtime';
import { z } from 'zod';
import type { InferenceContext } from '../inference-context';
import { arrivalOf } from '../request-arrival';
import type { ModelRouteModule } from './route-module';

const RawImageQuery = z.object({ topK: z.coerce.number().int().min(1).max(1000).default(5) });
const DATA_URL_PREFIX = /^data:image\/[a-z+.-]+;base64,/;

/**
 * The image bytes and k of a JSON /infer body. A body as clients usually send it (an object of `image`, canonical
 * base64, and optionally an integer `topK`) is checked by hand: re-encoding the decoded bytes and comparing costs a
 * third of running the schema's pattern over a 50 kB string. Anything else goes through the schema, which accepts
 * and refuses exactly as before and names the offending field.
 */
function readJsonImage(body: unknown): { image: Buffer; topK: number } {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const { image, topK = 5, ...rest } = body as Record<string, unknown>;
    const topKOk = typeof topK === 'number' && Number.isInteger(topK) && topK >= 1 && topK <= 1000;
    if (typeof image === 'string' && image.length > 0 && topKOk && Object.keys(rest).length === 0) {
      const base64 = image.startsWith('data:') ? image.replace(DATA_URL_PREFIX, '') : image;
      const bytes = Buffer.from(base64, 'base64');
      if (bytes.length > 0 && bytes.toString('base64') === base64) return { image: bytes, topK };
    }
  }
  const parsed = parseOrThrow(InferRequest, body);
  const image = Buffer.from(parsed.image.replace(DATA_URL_PREFIX, ''), 'base64');
  if (image.length === 0) throw AppError.badRequest('image: base64 decodes to no bytes', 'image');
  return { image, topK: parsed.topK };
}

/** `POST /infer`: an image as base64 JSON or raw `image/*` bytes → top-k labels. */
export function classifyRoutes(ctx: InferenceContext): ModelRouteModule {
  let classifier: ImageClassifier | undefined;
  return {
    docs: [
      {
        method: 'post',
        path: '/infer',
        summary: 'Classify an image (JSON base64, or raw bytes with an image/* content type and ?topK=)',
        tags: ['inference'],
        request: InferRequest,
        responses: {
          200: { description: 'top-k labels', schema: InferResponse },
          400: { description: 'invalid base64, not an image, too many pixels', schema: ErrorBody },
          413: { description: 'body over BODY_LIMIT_BYTES', schema: ErrorBody },
          503: { description: 'model loading', schema: ErrorBody },
        },
      },
    ],
    onLoaded(model) {
      classifier = createImageClassifier(model, { maxInputPixels: ctx.config.MAX_IMAGE_PIXELS });
    },
    mount(app) {
      app.post('/infer', ctx.instrument(), express.raw({ type: 'image/*', limit: ctx.config.BODY_LIMIT_BYTES }), async (req, res) => {
        const clock = new StageClock(arrivalOf(req));
        clock.lap('parse');
        let image: Buffer;
        let topK: number;
        if (Buffer.isBuffer(req.body)) {
          if (req.body.length === 0) throw AppError.badRequest('body: empty image', 'body');
          image = req.body;
          topK = parseOrThrow(RawImageQuery, req.query, 'query').topK;
        } else {
          ({ image, topK } = readJsonImage(req.body));
          clock.lap('base64');
        }
        const model = ctx.model();
        if (!classifier) throw AppError.unavailable('model is still loading', 1);
        ctx.artificialWork();
        const result = await classifier.classify(image, topK, clock);
        ctx.metrics.queue.observe(result.timings.queueMs / 1000);
        const response: InferResponse = { model: model.config.name, version: model.config.version, ...result };
        res.json(response);
        clock.lap('serialise');
        ctx.metrics.stages(clock.times);
      });
    },
  };
}
