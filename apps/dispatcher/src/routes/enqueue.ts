import type { Express } from 'express';
import { z } from 'zod';
import { EnqueueAccepted, EnqueueBatch, EnqueueBatchAccepted, EnqueueItem, EnqueueRequest } from '@ai/contracts';
import { parseOrThrow, type RouteModule } from '@ai/http-server';
import type { ApiContext } from '../api-context';
import { acceptJobs } from '../accept-jobs';
import { errorDoc, redisUnavailableDoc } from './error-docs';

/** POST /enqueue: one item, or `{ items: [...] }`; answers 202 with the job ids. */
export function enqueueRoutes(ctx: ApiContext): RouteModule {
  return {
    docs: [
      {
        method: 'post',
        path: '/enqueue',
        summary: 'Queue one item or a batch `{ items }`',
        request: EnqueueRequest,
        responses: {
          202: { description: 'Accepted (one item)', schema: z.union([EnqueueAccepted, EnqueueBatchAccepted]) },
          400: errorDoc('Invalid body, unknown model or callback host not allowed; names the field'),
          413: errorDoc('Body too large'),
          429: errorDoc('Queue full (queue_full) or predicted wait beyond deadlineMs (deadline_exceeded); see Retry-After'),
          503: redisUnavailableDoc,
        },
      },
    ],
    mount: (app) => mountEnqueueRoute(app, ctx),
  };
}

function mountEnqueueRoute(app: Express, ctx: ApiContext): void {
  app.post('/enqueue', async (req, res) => {
    const body = req.body as unknown;
    if (body && typeof body === 'object' && 'items' in body) {
      const batch = parseOrThrow(EnqueueBatch, body);
      const jobs = await acceptJobs(ctx, batch.items, (index, field) => `items.${index}.${field}`);
      res.status(202).json({ jobs });
      return;
    }
    const item = parseOrThrow(EnqueueItem, body);
    const [accepted] = await acceptJobs(ctx, [item], (_index, field) => field);
    res.status(202).json(accepted);
  });
}
