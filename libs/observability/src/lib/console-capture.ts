import { format } from 'node:util';
import type { Logger } from './logger';
import { RepeatSuppressor } from './repeat-suppressor';

const LEVELS = { log: 'info', info: 'info', debug: 'debug', warn: 'warn', error: 'error', trace: 'debug' } as const;
type ConsoleMethod = keyof typeof LEVELS;

/**
 * Sends whatever a library prints with console.* (BullMQ's warnings, ioredis's "[ioredis] Unhandled error event",
 * a stray stack trace) through `logger` as one JSON line, `{ source: "console" }`, with repeats of the same first
 * line suppressed, so a service's output stays JSON lines. Also logs an uncaught exception as one JSON line before
 * the process exits with 1, instead of Node's raw stack trace. For services' entry points only (it changes the
 * process's console); returns a function that undoes it.
 */
export function routeConsoleToLogger(logger: Logger): () => void {
  const repeats = new RepeatSuppressor(logger);
  const saved = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  let inside = false;
  for (const method of Object.keys(LEVELS) as ConsoleMethod[]) {
    saved.set(method, console[method]);
    console[method] = (...args: unknown[]) => {
      // The logger's own console transport writes to the streams directly; guard anyway against a loop.
      if (inside) return;
      inside = true;
      try {
        const text = format(...args);
        const key = text.split('\n', 1)[0].slice(0, 200);
        repeats.log(LEVELS[method], `console.${method}: ${key}`, key, { source: 'console', ...(text.length > key.length && { text: text.slice(0, 8_000) }) });
      } finally {
        inside = false;
      }
    };
  }
  const fatal = (error: unknown) => {
    logger.error('uncaught exception; exiting', { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    // Give the line a moment to reach stdout (and Loki) before leaving.
    setTimeout(() => process.exit(1), 200);
  };
  process.on('uncaughtException', fatal);
  return () => {
    for (const [method, original] of saved) console[method] = original;
    process.off('uncaughtException', fatal);
    repeats.flush();
  };
}
