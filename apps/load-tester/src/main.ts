import { exitOnSignals, exitWhenFlushed } from '@ai/http-server';
import { createLogger, type Logger } from '@ai/observability';
import { parseRunArgs, RUN_USAGE } from './cli-args';
import { cliRun, EXIT } from './cli-run';
import { parseLoadTesterConfig, unknownLoadTesterEnv, type LoadTesterConfig } from './config';
import { start } from './server';

function warnUnknownEnv(logger: Logger): void {
  for (const unknown of unknownLoadTesterEnv()) logger.warn(unknown.message, { variable: unknown.name, suggestion: unknown.suggestion });
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  let config: LoadTesterConfig;
  try {
    config = parseLoadTesterConfig();
  } catch (error) {
    console.error((error as Error).message);
    return exitWhenFlushed(EXIT.usage);
  }
  if (command === 'serve') {
    const logger = createLogger({ service: 'load-tester', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
    warnUnknownEnv(logger);
    const running = await start(config, { logger });
    exitOnSignals(logger, running.stop);
    return;
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
