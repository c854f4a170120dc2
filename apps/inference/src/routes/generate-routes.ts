import type { Response } from 'express';
import { ErrorBody, GenerateRequest, GenerateResponse } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { createTextGenerator, PromptTooLongError, type GenerationResult, type TextGenerator } from '@ai/text-generation';
import type { InferenceContext } from '../inference-context';
import type { ModelRouteModule } from './route-module';

/**
 * `POST /generate` for text-generation models: the whole answer as JSON, or with `stream: true` server-sent events,
 * one `token` event per generated piece of text and a final `done` event carrying the GenerateResponse.
 */
export function generateRoutes(ctx: InferenceContext): ModelRouteModule {
  let generator: TextGenerator | undefined;

  const toResponse = (result: GenerationResult): GenerateResponse => ({
    model: ctx.modelName,
    version: ctx.modelVersion,
    generated_text: result.text,
    tokens: result.tokens,
    finish_reason: result.finishReason,
    timings: { timeToFirstTokenMs: result.timeToFirstTokenMs, perTokenMs: result.perTokenMs, totalMs: result.totalMs },
  });

  const record = (result: GenerationResult) => {
    ctx.metrics.tokens.inc(result.tokens);
    if (result.tokens > 0) {
      ctx.metrics.timeToFirstToken.observe(result.timeToFirstTokenMs / 1000);
      ctx.metrics.timePerToken.observe(result.perTokenMs / 1000);
    }
  };

  const sse = (res: Response, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  return {
    docs: [
      {
        method: 'post',
        path: '/generate',
        summary: 'Generate text from a prompt (server-sent events with "stream": true)',
        tags: ['inference'],
        request: GenerateRequest,
        responses: {
          200: { description: 'generated text; with stream: true, text/event-stream of token events and a done event', schema: GenerateResponse },
          400: { description: 'invalid request or prompt over MAX_TOTAL_TOKENS', schema: ErrorBody },
          503: { description: 'model loading', schema: ErrorBody },
        },
      },
    ],
    onLoaded(model) {
      generator = createTextGenerator({
        session: model.session,
        config: model.config,
        versionDir: model.version.dir,
        maxTotalTokens: ctx.config.MAX_TOTAL_TOKENS,
      });
    },
    mount(app) {
      app.post('/generate', ctx.instrument(), async (req, res) => {
        const body = parseOrThrow(GenerateRequest, req.body);
        ctx.model();
        if (!generator) throw AppError.unavailable('model is still loading', 1);
        // Refuse an over-long prompt before any streaming starts, so it is a plain 400.
        const promptTokens = generator.countTokens(body.prompt);
        if (promptTokens > generator.maxTotalTokens) {
          const error = new PromptTooLongError(promptTokens, generator.maxTotalTokens);
          throw new AppError(400, error.code, `prompt: ${error.message}`, { field: 'prompt' });
        }
        ctx.artificialWork();
        const request = { prompt: body.prompt, maxNewTokens: body.max_new_tokens, temperature: body.temperature, topK: body.top_k, seed: body.seed };
        if (!body.stream) {
          const result = await generator.generate(request);
          record(result);
          res.json(toResponse(result));
          return;
        }
        res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' }).flushHeaders();
        try {
          const result = await generator.generate(request, (text, id) => sse(res, 'token', { text, id }));
          record(result);
          sse(res, 'done', toResponse(result));
        } catch (error) {
          ctx.logger.error('generation failed mid-stream', { requestId: req.id, error: String(error) });
          sse(res, 'error', { error: { code: 'internal_error', message: 'generation failed', requestId: req.id } });
        }
        res.end();
      });
    },
  };
}
