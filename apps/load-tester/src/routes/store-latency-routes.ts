import { z } from 'zod';
import { Counter, type Registry } from 'prom-client';
import { ErrorBody, JobCallback } from '@ai/contracts';
import { parseOrThrow, type RouteModule } from '@ai/http-server';
import type { CallbackReceiver } from '../callback-receiver';

export const StoredLatency = z.object({ matched: z.boolean() }).meta({ id: 'StoredLatency' });

/** Where the dispatcher sends job callbacks, in the server mode and in a CLI run's callback listener. */
export const STORE_LATENCY_PATH = '/storeLatency';

/**
 * POST /storeLatency: validates the body as a JobCallback (400 naming the field otherwise), hands it to `receiver`,
 * answers `{ matched }` and counts it in `registry`.
 */
export function storeLatencyRoutes(receiver: CallbackReceiver, registry: Registry): RouteModule {
  const callbacks = new Counter({
    name: 'load_tester_callbacks_total',
    help: 'Job callbacks received, by whether a request was waiting for them.',
    labelNames: ['matched'],
    registers: [registry],
  });
  return {
    docs: [
      {
        method: 'post',
        path: STORE_LATENCY_PATH,
        summary: 'Job callback from the dispatcher: the result and timings of one request.',
        request: JobCallback,
        responses: { 200: { description: 'stored', schema: StoredLatency }, 400: { description: 'invalid body', schema: ErrorBody } },
      },
    ],
    mount: (app) => {
      app.post(STORE_LATENCY_PATH, (req, res) => {
        const callback = parseOrThrow(JobCallback, req.body);
        const matched = receiver.deliver(callback);
        callbacks.inc({ matched: String(matched) });
        res.json({ matched });
      });
    },
  };
}
