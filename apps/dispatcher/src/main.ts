import { createLogger, routeConsoleToLogger } from '@ai/observability';
import { exitOnSignals } from '@ai/http-server';
import { parseDispatcherConfig, type DispatcherConfig } from './config';
import { start } from './server';
import { forkWorkerProcesses } from './worker-processes';

async function main(): Promise<void> {
  let config: DispatcherConfig;
  try {
    config = parseDispatcherConfig();
  } catch (error) {
    // Even this goes out as a JSON line through the logger, as everything else the process writes.
    const early = createLogger({ service: 'dispatcher' });
    early.error((error as Error).message);
    early.on('finish', () => process.exit(2));
    early.end();
    return;
  }
  const logger = createLogger({ service: 'dispatcher', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  // Libraries that print on their own (BullMQ's warnings, ioredis's unhandled errors) print JSON too.
  routeConsoleToLogger(logger);
  const dispatcher = await start(config);
  const forks = config.WORKER_PROCESSES > 0 ? forkWorkerProcesses(config.WORKER_PROCESSES, logger) : undefined;
  exitOnSignals(logger, async () => {
    await Promise.all([dispatcher.stop(), forks?.stop()]);
  }, config.SHUTDOWN_GRACE_MS + 5_000);
}

main().catch((error: unknown) => {
  const logger = createLogger({ service: 'dispatcher' });
  logger.error('start-up failed', { error: String((error as Error)?.stack ?? error) });
  setTimeout(() => process.exit(1), 200);
});
