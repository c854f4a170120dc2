import { createHttpApp, listen } from '@ai/http-server';
import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { CallbackReceiver } from './callback-receiver';
import type { LoadTesterConfig } from './config';
import { RunSlot } from './run-slot';
import { healthRoutes } from './routes/health-routes';
import { runRoutes } from './routes/run-routes';
import { STORE_LATENCY_PATH, storeLatencyRoutes } from './routes/store-latency-routes';

export interface RunningLoadTester {
  url: string;
  port: number;
  /** Matches /storeLatency callbacks to the requests of the current run. */
  receiver: CallbackReceiver;
  /** The callback URL the dispatcher is given. */
  callbackUrl: string;
  /** Aborts a run in progress, waits for it, and closes the server. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

/**
 * The load tester's HTTP server: the reference design's API (POST /runLoadTest, /storeLatency,
 * /generateReport), POST /stopLoadTest, plus /health, /metrics and /docs.
 */
export async function start(config: LoadTesterConfig, options: StartOptions = {}): Promise<RunningLoadTester> {
  const logger = options.logger ?? createLogger({ service: 'load-tester', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  const registry = createMetricsRegistry({ service: 'load-tester' });
  const receiver = new CallbackReceiver();
  const runs = new RunSlot();
  let callbackUrl = config.CALLBACK_URL ?? '';

  const app = createHttpApp(
    {
      logger,
      registry,
      api: { title: 'load-tester', version: '1', description: 'Open-loop load tester: starts runs, receives job callbacks, writes reports.' },
      jsonLimitBytes: 2 * 1024 * 1024,
    },
    [healthRoutes(runs), storeLatencyRoutes(receiver, registry), runRoutes({ config, logger, registry, runs, receiver, callbackUrl: () => callbackUrl })],
  );

  const server = await listen(app, { port: config.PORT, host: config.HOST });
  callbackUrl ||= `http://127.0.0.1:${server.port}${STORE_LATENCY_PATH}`;
  logger.info('listening', { url: server.url, callbackUrl, target: config.TARGET_URL });
  return {
    url: server.url,
    port: server.port,
    receiver,
    callbackUrl,
    async stop() {
      await runs.stop();
      await server.close(2_000);
    },
  };
}
