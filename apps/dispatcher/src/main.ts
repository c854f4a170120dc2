import { runService } from '@ai/http-server';
import { DispatcherEnv, parseDispatcherConfig, unknownDispatcherEnv } from './config';
import { start } from './server';
import { forkWorkerProcesses } from './worker-processes';

void runService({
  name: 'dispatcher',
  env: DispatcherEnv,
  parse: parseDispatcherConfig,
  unknownEnv: unknownDispatcherEnv,
  start: async (config, logger) => {
    const dispatcher = await start(config, { logger });
    const forks = config.WORKER_PROCESSES > 0 ? forkWorkerProcesses(config.WORKER_PROCESSES, logger) : undefined;
    return { stop: async () => void (await Promise.all([dispatcher.stop(), forks?.stop()])) };
  },
});
