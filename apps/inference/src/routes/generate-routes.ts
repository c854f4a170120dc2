import { ErrorBody, GenerateRequest, GenerateResponse } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import type { InferenceContext } from '../inference-context';
import type { RouteModule } from './route-module';

/**
 * `POST /generate` for text-generation models. The token-by-token generator lives in its own library; until it is
 * wired in here, the route validates the request and answers 501.
 */
export function generateRoutes(ctx: InferenceContext): RouteModule {
  return {
    docs: [
      {
        method: 'post',
        path: '/generate',
        summary: 'Generate text from a prompt',
        tags: ['inference'],
        request: GenerateRequest,
        responses: { 200: { description: 'generated text', schema: GenerateResponse }, 400: { description: 'invalid request', schema: ErrorBody } },
      },
    ],
    mount(app) {
      app.post('/generate', ctx.instrument(), (req) => {
        parseOrThrow(GenerateRequest, req.body);
        throw new AppError(501, 'not_implemented', 'text generation is not available in this build');
      });
    },
  };
}
