import { createLogger } from '@ai/observability';
import { exitOnSignals } from '@ai/http-server';
import { parseDispatcherConfig, unknownDispatcherEnv } from './config';
import { start } from './server';
import { forkWorkerProcesses } from './worker-processes';

async function main(): Promise<void> {
  let config;
  try {
    config = parseDispatcherConfig();
  } catch (error) {
    console.error(JSON.stringify({ level: 'error', service: 'dispatcher', message: (error as Error).message }));
    process.exit(2);
  }
  const logger = createLogger({ service: 'dispatcher', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  for (const unknown of unknownDispatcherEnv()) logger.warn(unknown.message, { variable: unknown.name, suggestion: unknown.suggestion });
  const dispatcher = await start(config);
  const forks = config.WORKER_PROCESSES > 0 ? forkWorkerProcesses(config.WORKER_PROCESSES, logger) : undefined;
  exitOnSignals(logger, async () => {
    await Promise.all([dispatcher.stop(), forks?.stop()]);
  }, config.SHUTDOWN_GRACE_MS + 5_000);
}

main().catch((error: unknown) => {
  console.error(JSON.stringify({ level: 'error', service: 'dispatcher', message: 'start-up failed', error: String((error as Error)?.stack ?? error) }));
  process.exit(1);
});
