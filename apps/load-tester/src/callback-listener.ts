import { createHttpApp, listen } from '@ai/http-server';
import { createMetricsRegistry, type Logger } from '@ai/observability';
import { CallbackReceiver } from './callback-receiver';
import { STORE_LATENCY_PATH, storeLatencyRoutes } from './routes/store-latency-routes';

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
  const api = { title: 'load-tester callbacks', version: '1', description: 'Receives the job callbacks of a load test run.' };
  const app = createHttpApp({ logger: options.logger, registry, api, jsonLimitBytes: 2 * 1024 * 1024 }, [storeLatencyRoutes(receiver, registry)]);
  const server = await listen(app, { port: options.port, host: options.host });
  const callbackUrl = options.callbackUrl ?? `http://127.0.0.1:${server.port}${STORE_LATENCY_PATH}`;
  options.logger.debug('receiving callbacks', { url: server.url, callbackUrl });
  return { receiver, callbackUrl, stop: () => server.close(2_000) };
}
