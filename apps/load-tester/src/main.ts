import { EXIT_INVALID_CONFIG, exitWhenFlushed, InvalidEnvironment, runService } from '@ai/http-server';
import { createLogger, type Logger } from '@ai/observability';
import { parseRunArgs, RUN_USAGE } from './cli-args';
import { cliRun, EXIT } from './cli-run';
import { LoadTesterEnv, parseLoadTesterConfig, unknownLoadTesterEnv, type LoadTesterConfig } from './config';
import { start } from './server';

function warnUnknownEnv(logger: Logger): void {
  for (const unknown of unknownLoadTesterEnv()) logger.warn(unknown.message, { variable: unknown.name, suggestion: unknown.suggestion });
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'serve') {
    return runService({ name: 'load-tester', env: LoadTesterEnv, unknownEnv: unknownLoadTesterEnv, start: (config, logger) => start(config, { logger }) });
  }
  let config: LoadTesterConfig;
  try {
    config = parseLoadTesterConfig();
  } catch (error) {
    // The same exit status as every service's; the message is for a person at a terminal.
    console.error(error instanceof InvalidEnvironment ? error.message : String(error));
    return exitWhenFlushed(EXIT_INVALID_CONFIG);
  }
  if (command !== 'run') {
    console.error(command === undefined || command === '--help' ? RUN_USAGE : `unknown command "${command}"\n${RUN_USAGE}`);
    return exitWhenFlushed(command === '--help' ? 0 : EXIT.usage);
  }
  let args;
  try {
    args = parseRunArgs(rest);
  } catch (error) {
    console.error(`${(error as Error).message}\n${RUN_USAGE}`);
    return exitWhenFlushed(EXIT.usage);
  }
  // The CLI logs only warnings: the terminal belongs to the progress bar and the summary.
  const logger = createLogger({ service: 'load-tester', level: process.env.LOG_LEVEL ?? 'warn', lokiUrl: config.LOKI_URL });
  warnUnknownEnv(logger);
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    // First Ctrl-C: stop sending, stop the stack, still write the report. Second: leave now.
    if (signals > 1) process.exit(130);
    process.stderr.write(`\n${signal}: stopping the run and everything it started ...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const { exitCode } = await cliRun({ args, config, logger, signal: controller.signal });
  exitWhenFlushed(controller.signal.aborted && exitCode === EXIT.ok ? 130 : exitCode);
}

void main();
