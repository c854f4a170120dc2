/**
 * A closed-loop HTTP/1.1 load generator meant to run in a process of its own, so that the load it puts on the CPU
 * is the client's and none of it lands in the server's event loop.
 *
 * Each of `connections` keep-alive sockets sends the next request as soon as the previous answer is complete. The
 * requests are pre-built byte for byte (request line, headers, body), and answers are parsed only as far as the
 * status code and Content-Length: a few microseconds of client CPU per request, close to what wrk costs.
 *
 * As a child: `fork('load-generator.ts')`, send a {@link LoadRequest}, receive a {@link LoadResult}.
 */
import { fork } from 'node:child_process';
import { connect, type Socket } from 'node:net';

export interface LoadBody {
  /** Bytes of the body. */
  body: Buffer;
  contentType: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

export interface LoadRequest {
  host: string;
  port: number;
  path: string;
  /** Sent round-robin. */
  bodies: LoadBody[];
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

export interface LoadResult {
  connections: number;
  requests: number;
  seconds: number;
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Answers other than 200, by status. */
  failures: Record<string, number>;
  /** The first failing answer's body, cut short, to explain a failure. */
  firstFailure?: string;
}

function buildRequest(host: string, port: number, path: string, { body, contentType, headers = {} }: LoadBody): Buffer {
  const lines = [`POST ${path} HTTP/1.1`, `Host: ${host}:${port}`, `Content-Type: ${contentType}`, `Content-Length: ${body.length}`, 'Connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** One keep-alive connection: `send` writes a request and resolves with the status code and body once complete. */
class Connection {
  private pending: Buffer = Buffer.alloc(0);
  private waiter: ((answer: { status: number; body: Buffer }) => void) | undefined;
  private failer: ((error: Error) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      this.tryComplete();
    });
    const fail = (error: Error) => this.failer?.(error);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true }, () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  send(request: Buffer): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failer = reject;
      this.socket.write(request);
    });
  }

  private tryComplete(): void {
    const headerEnd = this.pending.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.pending.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!match) {
      this.failer?.(new Error(`answer without Content-Length: ${head.slice(0, 200)}`));
      return;
    }
    const end = headerEnd + 4 + Number(match[1]);
    if (this.pending.length < end) return;
    const body = this.pending.subarray(headerEnd + 4, end);
    this.pending = this.pending.subarray(end);
    const waiter = this.waiter;
    this.waiter = undefined;
    this.failer = undefined;
    waiter?.({ status, body });
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }
}

/** Runs the closed loop and reports throughput and latency percentiles of the requests after the warm-up. */
export async function runLoad(request: LoadRequest): Promise<LoadResult> {
  const requests = request.bodies.map((b) => buildRequest(request.host, request.port, request.path, b));
  const connections = await Promise.all(Array.from({ length: request.connections }, () => Connection.open(request.host, request.port)));
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let next = 0;
  const warmupEnd = performance.now() + request.warmupSeconds * 1000;
  const end = warmupEnd + request.seconds * 1000;
  let measuredStart = Infinity;
  let measuredEnd = 0;
  await Promise.all(
    connections.map(async (connection) => {
      for (;;) {
        const started = performance.now();
        if (started >= end) break;
        const { status, body } = await connection.send(requests[next++ % requests.length]);
        const finished = performance.now();
        if (status !== 200) {
          failures[status] = (failures[status] ?? 0) + 1;
          firstFailure ??= body.toString('utf8', 0, Math.min(body.length, 500));
        }
        if (started >= warmupEnd) {
          latencies.push(finished - started);
          measuredStart = Math.min(measuredStart, started);
          measuredEnd = Math.max(measuredEnd, finished);
        }
      }
    }),
  );
  for (const connection of connections) connection.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  const seconds = Math.max(1e-9, (measuredEnd - measuredStart) / 1000);
  return {
    connections: request.connections,
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    meanMs: latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length),
    p50Ms: at(0.5),
    p90Ms: at(0.9),
    p99Ms: at(0.99),
    failures,
    firstFailure,
  };
}

// As a forked child: one request in, one result out, then exit.
if (require.main === module && process.send) {
  process.once('message', (message: Omit<LoadRequest, 'bodies'> & { bodies: (Omit<LoadBody, 'body'> & { body: string })[] }) => {
    const bodies = message.bodies.map((b) => ({ ...b, body: Buffer.from(b.body, 'base64') }));
    runLoad({ ...message, bodies }).then(
      (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
      (error: Error) => process.send?.({ ok: false, error: error.stack ?? String(error) }, () => process.exit(1)),
    );
  });
}

/** Runs {@link runLoad} in a child process of its own (this file, forked) and resolves with its result. */
export function runLoadInChild(request: LoadRequest): Promise<LoadResult> {
  const child = fork(__filename, [], { execArgv: __filename.endsWith('.ts') ? ['--require', 'tsx/cjs'] : [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (reply: { ok: true; result: LoadResult } | { ok: false; error: string }) =>
      reply.ok ? resolve(reply.result) : reject(new Error(reply.error)),
    );
    child.once('exit', (code) => reject(new Error(`load generator exited (code ${code}) without a result`)));
    child.send({ ...request, bodies: request.bodies.map((b) => ({ ...b, body: b.body.toString('base64') })) });
  });
}
