import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createExpressServer } from './express-server';

export interface RunningHttpServer {
  server: Server;
  port: number;
  /** http://host:port, for clients and tests. */
  url: string;
  /** Requests being served now. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets requests in flight finish (up to `graceMs`), then closes every
   * connection. Resolves when the server is fully closed.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  port: number;
  host?: string;
  /** Keep-alive timeout; above typical load-balancer idle timeouts so they close first. */
  keepAliveTimeoutMs?: number;
  /** Whole-request timeout: slow-loris protection. */
  requestTimeoutMs?: number;
}

/** Listens on `port` (0 picks a free one) and tracks in-flight requests for a graceful close. */
export async function listen(app: Express, options: ListenOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '0.0.0.0';
  const server = createExpressServer(app);
  server.listen(options.port, host);
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  server.headersTimeout = server.keepAliveTimeout + 1_000;
  server.requestTimeout = options.requestTimeoutMs ?? 300_000;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  server.on('request', (_req, res) => {
    inFlight += 1;
    res.on('close', () => {
      inFlight -= 1;
      if (inFlight === 0) drained?.();
    });
  });
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}`,
    inFlight: () => inFlight,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await Promise.race([new Promise<void>((resolve) => (drained = resolve)), new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref())]);
        }
        server.closeAllConnections();
        await closed;
      })();
      return closing;
    },
  };
}
