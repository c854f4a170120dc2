import winston from 'winston';
import { createLokiTransport } from './loki-transport';

export interface LoggerOptions {
  /** Service name, added to every line and used as the Loki `service` label. */
  service: string;
  /** winston level; default `info`. */
  level?: string;
  /** Push logs to Loki as well when set (e.g. http://loki:3100). */
  lokiUrl?: string;
  /** Extra Loki stream labels. */
  lokiLabels?: Record<string, string>;
  /** Write nothing to stdout (tests); Loki still receives logs when configured. */
  silent?: boolean;
}

export type Logger = winston.Logger;

/** A JSON-lines logger on stdout, with an optional Loki transport. */
export function createLogger(options: LoggerOptions): Logger {
  const transports: winston.transport[] = [new winston.transports.Console({ silent: options.silent ?? false })];
  if (options.lokiUrl) {
    transports.push(createLokiTransport({ url: options.lokiUrl, service: options.service, labels: options.lokiLabels }));
  }
  return winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: { service: options.service },
    format: winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json()),
    transports,
  });
}
