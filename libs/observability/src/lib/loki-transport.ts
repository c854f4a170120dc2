import { hostname } from 'node:os';
import winston from 'winston';
import LokiTransport from 'winston-loki';

export interface LokiTransportOptions {
  /** Loki base URL (the transport posts to <url>/loki/api/v1/push). */
  url: string;
  /** Service name: the `service` stream label. */
  service: string;
  /** Extra stream labels (override the defaults). */
  labels?: Record<string, string>;
  /** Where model, pod and namespace come from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The stream labels every line carries, as the dashboards select them: service, model (MODEL_NAME, set for
 * inference), pod (POD_NAME from the downward API, else the host name: a container's id under docker compose)
 * and namespace (POD_NAMESPACE). Labels without a value are left out. winston-loki adds `level`.
 */
export function lokiStreamLabels(service: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const labels: Record<string, string | undefined> = {
    service,
    model: env.MODEL_NAME,
    pod: env.POD_NAME || hostname(),
    namespace: env.POD_NAMESPACE,
  };
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

/**
 * A winston transport that pushes to Loki (JSON push API, batched every 5 s). Each line is the JSON object the
 * console transport prints (message, level, timestamp and fields), so LogQL's `| json` parses it; without a
 * format of its own winston-loki would send "<message> <JSON of the other fields>".
 */
export function createLokiTransport(options: LokiTransportOptions): winston.transport {
  return new LokiTransport({
    host: options.url,
    labels: { ...lokiStreamLabels(options.service, options.env), ...options.labels },
    format: winston.format.json(),
    json: true,
    batching: true,
    interval: 5,
    replaceTimestamp: true,
    // A Loki outage must never take the service down or block requests.
    onConnectionError: (error: unknown) => console.error(JSON.stringify({ level: 'warn', message: 'loki push failed', error: String(error) })),
  });
}
