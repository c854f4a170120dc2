import { Agent, createServer, request, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a Kubernetes Service: one address, round-robin over endpoints, and an endpoint leaves the
 * rotation when its pod starts terminating (the endpoints controller does that while the kubelet sends
 * SIGTERM). Scale-down tests go through it, so they test the apps' drain rather than the lack of a balancer.
 */
export class ServiceBalancer {
  private endpoints: string[];
  private next = 0;
  private server?: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  url = '';

  constructor(endpoints: string[]) {
    this.endpoints = [...endpoints];
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      if (this.endpoints.length === 0) {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"no_endpoints","message":"no endpoints"}}');
        return;
      }
      const target = new URL(req.url ?? '/', this.endpoints[this.next++ % this.endpoints.length]);
      const upstream = request(target, { method: req.method, headers: req.headers, agent: this.agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end('{"error":{"code":"bad_gateway","message":"endpoint failed"}}');
      });
      req.pipe(upstream);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Takes an endpoint out of the rotation (requests already forwarded to it continue). */
  remove(endpoint: string): void {
    this.endpoints = this.endpoints.filter((url) => url !== endpoint);
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    const server = this.server;
    if (!server) return;
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
  }
}
