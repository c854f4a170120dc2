import { createServer, type IncomingMessage, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  jobId: string;
  status: string;
  at: number;
  body: Record<string, unknown>;
}

/**
 * A callback receiver (the load tester's /storeLatency, reduced to what faults need): records every POST,
 * and can go down and come back on the same port, so the dispatcher's retries can be observed.
 */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  /** Every request, whatever its path: the allowlist test asserts that a forbidden host saw none. */
  hits = 0;
  private server?: Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/storeLatency`;
  }

  /** Starts listening (on the same port as before when restarting). */
  async up(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req).then((status) => res.writeHead(status).end()));
    server.keepAliveTimeout = 1_000;
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening and cuts open connections: deliveries now fail with ECONNREFUSED. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }

  /** Distinct job ids with at least one callback. */
  jobIds(): Set<string> {
    return new Set(this.received.map((callback) => callback.jobId));
  }

  private async handle(req: IncomingMessage): Promise<number> {
    this.hits += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      this.received.push({ jobId: String(body.jobId), status: String(body.status), at: Date.now(), body });
      return 200;
    } catch {
      return 400;
    }
  }
}
