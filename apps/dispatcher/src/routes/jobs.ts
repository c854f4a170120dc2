import type { Express } from 'express';
import { z } from 'zod';
import { JobStatus, ModelName } from '@ai/contracts';
import { AppError, parseOrThrow, type RouteModule } from '@ai/http-server';
import type { ApiContext } from '../api-context';
import { errorDoc, redisUnavailableDoc } from './error-docs';

export const DeadLetterQuery = z.object({
  start: z.coerce.number().int().min(0).default(0),
  count: z.coerce.number().int().min(1).max(1000).default(50),
});

/** GET /jobs/:id (state, result, timings) and GET /dead-letter/:model (finally failed jobs, newest first). */
export function jobRoutes(ctx: ApiContext): RouteModule {
  return {
    docs: [
      {
        method: 'get',
        path: '/jobs/{id}',
        summary: 'State, result, attempts and timings of a job',
        responses: { 200: { description: 'The job', schema: JobStatus }, 404: errorDoc('Unknown job'), 503: redisUnavailableDoc },
      },
      {
        method: 'get',
        path: '/dead-letter/{model}',
        summary: 'Finally failed jobs of a model, newest first',
        query: DeadLetterQuery,
        responses: { 200: { description: '{ model, jobs: JobStatus[] }' }, 404: errorDoc('Unknown model') },
      },
    ],
    mount: (app) => mountJobRoutes(app, ctx),
  };
}

function mountJobRoutes(app: Express, ctx: ApiContext): void {
  app.get('/jobs/:id', async (req, res) => {
    const id = String(req.params.id);
    if (id.length > 300) throw AppError.badRequest('id: too long', 'id');
    const status = await ctx.queues.status(id).catch((error: Error) => {
      ctx.redis.reportError('job lookup', error);
      throw ctx.redis.unavailable(error);
    });
    if (!status) throw AppError.notFound(`no job ${id} (unknown, or removed after its retention time)`);
    res.json(status);
  });
  app.get('/dead-letter/:model', async (req, res) => {
    const model = parseOrThrow(ModelName, req.params.model, 'model');
    if (!ctx.queues.has(model)) throw AppError.notFound(`no queue for model ${model}`);
    const { start, count } = parseOrThrow(DeadLetterQuery, req.query, 'query');
    res.json({ model, jobs: await ctx.queues.failed(model, start, count) });
  });
}
