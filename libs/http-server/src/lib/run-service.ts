import type { z } from 'zod';
import { createLogger, routeConsoleToLogger, type Logger } from '@ai/observability';
import { EXIT_INVALID_CONFIG, InvalidEnvironment, parseEnv } from './service-env';
import { exitOnSignals } from './shutdown';
import type { UnknownEnvVariable } from './unknown-env';

/** The settings runService reads from every service's config (see `serviceEnv`). */
interface BaseConfig {
  LOG_LEVEL: string;
  LOKI_URL?: string;
  DRAIN_DELAY_MS: number;
  SHUTDOWN_GRACE_MS: number;
}

export interface ServiceDefinition<S extends z.ZodType> {
  /** The service's name in every log line (and its Loki label). */
  name: string;
  /** The service's environment schema, usually `serviceEnv(...).extend(...)`. */
  env: S;
  /** Parses the environment when the schema alone is not enough (e.g. an alias); default `parseEnv(env)`. */
  parse?: (env: NodeJS.ProcessEnv) => z.output<S>;
  /** Variables that look meant for the service but are none of its settings, logged as warnings at start-up. */
  unknownEnv?: (env: NodeJS.ProcessEnv) => UnknownEnvVariable[];
  /** Starts the service; the returned `stop` runs on SIGTERM or SIGINT. */
  start: (config: z.output<S>, logger: Logger) => Promise<{ stop: () => Promise<void> }>;
}

/**
 * The whole of a service's main.ts: parse the environment (an invalid one stops the process with one JSON
 * line naming each variable, exit 2), create the logger (library console output routed through it), warn
 * about ignored variables, start, and stop gracefully on signals within DRAIN_DELAY_MS + SHUTDOWN_GRACE_MS
 * (plus 5 s to close what is left). A failed start-up is logged and exits 1.
 */
export async function runService<S extends z.ZodType>(service: ServiceDefinition<S>): Promise<void> {
  let config: z.output<S>;
  try {
    config = service.parse ? service.parse(process.env) : parseEnv(service.env);
  } catch (error) {
    const problems = error instanceof InvalidEnvironment ? error.problems : [String(error)];
    const message = error instanceof InvalidEnvironment ? error.message : `invalid environment: ${String(error)}`;
    process.stderr.write(`${JSON.stringify({ level: 'error', service: service.name, message, problems })}\n`);
    process.exit(EXIT_INVALID_CONFIG);
  }
  const base = config as BaseConfig;
  const logger = createLogger({ service: service.name, level: base.LOG_LEVEL, lokiUrl: base.LOKI_URL });
  // What libraries print on their own (BullMQ's warnings, ioredis's unhandled errors) goes out as JSON lines too.
  routeConsoleToLogger(logger);
  for (const unknown of service.unknownEnv?.(process.env) ?? []) logger.warn(unknown.message, { variable: unknown.name, suggestion: unknown.suggestion });
  try {
    const running = await service.start(config, logger);
    exitOnSignals(logger, running.stop, base.DRAIN_DELAY_MS + base.SHUTDOWN_GRACE_MS + 5_000);
  } catch (error) {
    logger.error('start-up failed', { error: (error as Error)?.stack ?? String(error) });
    // Let the line reach stdout (and Loki) before exiting.
    setTimeout(() => process.exit(1), 200);
  }
}
