import { availableParallelism } from 'node:os';
import { ErrorBody, LoadQuery } from '@ai/contracts';
import { AppError, parseOrThrow } from '@ai/http-server';
import { burnCpuInWorkers } from '@ai/model-runtime';
import type { InferenceContext } from '../inference-context';
import type { ModelRouteModule } from './route-module';

/**
 * `GET /load?duration=N`: busy work for N seconds (bounded by MAX_LOAD_SECONDS) to show autoscaling. On CPU it
 * spins a worker thread, so probes stay responsive; on CUDA it runs the model back to back. At most one burn per
 * core runs at once.
 */
export function loadRoutes(ctx: InferenceContext): ModelRouteModule {
  let burning = 0;
  const maxConcurrent = availableParallelism();
  return {
    docs: [
      {
        method: 'get',
        path: '/load',
        summary: 'Generate CPU (GPU when on CUDA) load for N seconds',
        tags: ['demo'],
        query: LoadQuery,
        responses: { 200: { description: 'burned' }, 429: { description: 'every core already burning', schema: ErrorBody } },
      },
    ],
    mount(app) {
      app.get('/load', async (req, res) => {
        const { duration } = parseOrThrow(LoadQuery, req.query, 'query');
        const seconds = Math.min(duration, ctx.config.MAX_LOAD_SECONDS);
        if (burning >= maxConcurrent) throw AppError.tooManyRequests(`${burning} load bursts already running`, seconds);
        const model = ctx.model();
        burning += 1;
        const started = performance.now();
        try {
          if (model.provider === 'cuda') {
            const feeds = model.zeroFeeds(model.batcher.enabled ? model.config.maxBatchSize : 1);
            const until = started + seconds * 1000;
            while (performance.now() < until) await model.session.run(feeds);
          } else {
            await burnCpuInWorkers(seconds);
          }
        } finally {
          burning -= 1;
        }
        res.json({ device: model.provider, requestedSeconds: duration, burnedSeconds: (performance.now() - started) / 1000 });
      });
    },
  };
}
