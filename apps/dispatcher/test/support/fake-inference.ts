import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeInferenceOptions {
  /** Service time of every request, ms. */
  latencyMs?: number;
  /** Requests served at once; more wait in line (a CPU-bound model server). Default unlimited. */
  parallelism?: number;
  /**
   * Decides the answer of a request from its body and how many times this body was seen (1 = first try):
   * return a status to fail with it, or undefined to answer 200.
   */
  fail?: (body: Record<string, unknown>, seen: number) => number | undefined;
  /** Answer with a redirect to this URL instead. */
  redirectTo?: string;
}

export interface FakeInference {
  url: string;
  /** Requests answered, by path. */
  served: Record<string, number>;
  /** Every request body received, in order. */
  bodies: Record<string, unknown>[];
  /** The X-Request-Id of each of those requests, in the same order. */
  requestIds: (string | undefined)[];
  close(): Promise<void>;
}

/**
 * A small real HTTP server standing in for the inference service: /infer, /predict and /generate answer
 * after a set latency, optionally one at a time and optionally failing on chosen attempts.
 */
export async function startFakeInference(options: FakeInferenceOptions = {}): Promise<FakeInference> {
  const served: Record<string, number> = {};
  const bodies: Record<string, unknown>[] = [];
  const requestIds: (string | undefined)[] = [];
  const seen = new Map<string, number>();
  let busy = 0;
  const line: (() => void)[] = [];
  const acquire = async () => {
    if (options.parallelism === undefined) return;
    if (busy >= options.parallelism) await new Promise<void>((resolve) => line.push(resolve));
    busy += 1;
  };
  const release = () => {
    if (options.parallelism === undefined) return;
    busy -= 1;
    line.shift()?.();
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString();
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    bodies.push(body);
    requestIds.push(req.headers['x-request-id'] as string | undefined);
    const count = (seen.get(text) ?? 0) + 1;
    seen.set(text, count);
    await acquire();
    try {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    } finally {
      release();
    }
    const path = req.url ?? '/';
    served[path] = (served[path] ?? 0) + 1;
    if (options.redirectTo) {
      res.writeHead(307, { location: options.redirectTo }).end();
      return;
    }
    const status = options.fail?.(body, count);
    if (status !== undefined) {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'fake', message: `fake failure ${status}` } }));
      return;
    }
    const answer = {
      model: 'fake',
      version: '1',
      path,
      echo: body,
      timings: { preprocessMs: 0, queueMs: 0, inferenceMs: options.latencyMs ?? 0, totalMs: options.latencyMs ?? 0, batchSize: 1 },
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    bodies,
    requestIds,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
