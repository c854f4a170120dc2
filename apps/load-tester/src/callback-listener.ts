import type { Express } from 'express';
import { Counter, type Registry } from 'prom-client';
import { buildOpenApiDocument, JobCallback } from '@ai/contracts';
import { createHttpApp, listen, parseOrThrow } from '@ai/http-server';
import { createMetricsRegistry, type Logger } from '@ai/observability';
import { CallbackReceiver } from './callback-receiver';
import { STORE_LATENCY_ROUTE } from './openapi';

/**
 * Mounts POST /storeLatency: validates the body as a JobCallback (400 naming the field otherwise), hands it to
 * `receiver`, answers `{ matched }` and counts it in `registry`.
 */
export function mountStoreLatency(app: Express, receiver: CallbackReceiver, registry: Registry): void {
  const callbacks = new Counter({
    name: 'load_tester_callbacks_total',
    help: 'Job callbacks received, by whether a request was waiting for them.',
    labelNames: ['matched'],
    registers: [registry],
  });
  app.post(STORE_LATENCY_ROUTE.path, (req, res) => {
    const callback = parseOrThrow(JobCallback, req.body);
    const matched = receiver.deliver(callback);
    callbacks.inc({ matched: String(matched) });
    res.json({ matched });
  });
}

export interface CallbackListenerOptions {
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** The URL the dispatcher is given, when it reaches this process by another name; default http://127.0.0.1:<port>/storeLatency. */
  callbackUrl?: string;
  logger: Logger;
}

export interface RunningCallbackListener {
  receiver: CallbackReceiver;
  /** The callback URL the dispatcher is given. */
  callbackUrl: string;
  stop(): Promise<void>;
}

/** The callback endpoint of a CLI run: POST /storeLatency on its own port, and nothing of the server mode. */
export async function startCallbackListener(options: CallbackListenerOptions): Promise<RunningCallbackListener> {
  const receiver = new CallbackReceiver();
  const registry = createMetricsRegistry({ service: 'load-tester' });
  const openapi = buildOpenApiDocument({ title: 'load-tester callbacks', version: '1', description: 'Receives the job callbacks of a load test run.' }, [
    STORE_LATENCY_ROUTE,
  ]);
  const app = createHttpApp({ logger: options.logger, registry, openapi, jsonLimitBytes: 2 * 1024 * 1024 }, (app) =>
    mountStoreLatency(app, receiver, registry),
  );
  const server = await listen(app, { port: options.port, host: options.host });
  const callbackUrl = options.callbackUrl ?? `http://127.0.0.1:${server.port}${STORE_LATENCY_ROUTE.path}`;
  options.logger.debug('receiving callbacks', { url: server.url, callbackUrl });
  return { receiver, callbackUrl, stop: () => server.close(2_000) };
}
