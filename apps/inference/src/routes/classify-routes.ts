import express from 'express';
import { ErrorBody, InferRequest, InferResponse } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { createImageClassifier, type ImageClassifier } from '@ai/model-runtime';
import { z } from 'zod';
import type { InferenceContext } from '../inference-context';
import type { RouteModule } from './route-module';

const RawImageQuery = z.object({ topK: z.coerce.number().int().min(1).max(1000).default(5) });
const DATA_URL_PREFIX = /^data:image\/[a-z+.-]+;base64,/;

/** `POST /infer`: an image as base64 JSON or raw `image/*` bytes → top-k labels. */
export function classifyRoutes(ctx: InferenceContext): RouteModule {
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
        let image: Buffer;
        let topK: number;
        if (Buffer.isBuffer(req.body)) {
          if (req.body.length === 0) throw AppError.badRequest('body: empty image', 'body');
          image = req.body;
          topK = parseOrThrow(RawImageQuery, req.query, 'query').topK;
        } else {
          const body = parseOrThrow(InferRequest, req.body);
          image = Buffer.from(body.image.replace(DATA_URL_PREFIX, ''), 'base64');
          if (image.length === 0) throw AppError.badRequest('image: base64 decodes to no bytes', 'image');
          topK = body.topK;
        }
        const model = ctx.model();
        if (!classifier) throw AppError.unavailable('model is still loading', 1);
        ctx.artificialWork();
        const result = await classifier.classify(image, topK);
        ctx.metrics.queue.observe(result.timings.queueMs / 1000);
        const response: InferResponse = { model: model.config.name, version: model.config.version, ...result };
        res.json(response);
      });
    },
  };
}
