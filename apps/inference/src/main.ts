import { exitOnSignals } from '@ai/http-server';
import { createLogger, routeConsoleToLogger } from '@ai/observability';
import { parseInferenceConfig } from './config';
import { start } from './server';

async function main(): Promise<void> {
  let config;
  try {
    config = parseInferenceConfig();
  } catch (error) {
    // A JSON line through the logger, as everything else the process writes.
    createLogger({ service: 'inference' }).error(String((error as Error).message));
    setTimeout(() => process.exit(1), 100);
    return;
  }
  const logger = createLogger({ service: 'inference', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  // What libraries print on their own goes out as JSON lines too.
  routeConsoleToLogger(logger);
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
