// First: sizes libuv's thread pool before anything uses it.
import './thread-pool-size';
import { exitOnSignals } from '@ai/http-server';
import { createLogger } from '@ai/observability';
import { parseInferenceConfig } from './config';
import { start } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = parseInferenceConfig();
  } catch (error) {
    console.error(String((error as Error).message));
    process.exit(1);
  }
  const logger = createLogger({ service: 'inference', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  try {
    const running = await start(config, { logger });
    exitOnSignals(logger, running.stop, config.DRAIN_DELAY_MS + config.SHUTDOWN_GRACE_MS + 5_000);
  } catch (error) {
    logger.error('start-up failed', { error: (error as Error).message });
    // Let the log line reach stdout (and Loki) before exiting.
    setTimeout(() => process.exit(1), 200);
  }
}

void main();
