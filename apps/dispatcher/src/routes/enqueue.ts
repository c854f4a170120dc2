import type { Express } from 'express';
import { EnqueueBatch, EnqueueItem } from '@ai/contracts';
import { parseOrThrow } from '@ai/http-server';
import type { ApiContext } from '../api-context';
import { acceptJobs } from '../accept-jobs';

/** POST /enqueue: one item, or `{ items: [...] }`; answers 202 with the job ids. */
export function mountEnqueueRoutes(app: Express, ctx: ApiContext): void {
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
