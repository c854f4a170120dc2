import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackReceiver {
  url: string;
  received: Record<string, unknown>[];
  /** The X-Request-Id of each received body, in the same order. */
  requestIds: (string | undefined)[];
  /** Requests seen, answered or not. */
  hits(): number;
  close(): Promise<void>;
}

/** Collects POSTed JSON bodies; `failFirst` requests are answered 503 first (to exercise retries). */
export async function startReceiver(failFirst = 0): Promise<CallbackReceiver> {
  const received: Record<string, unknown>[] = [];
  const requestIds: (string | undefined)[] = [];
  let hits = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    hits += 1;
    if (hits <= failFirst) {
      res.writeHead(503).end();
      return;
    }
    received.push(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
    requestIds.push(req.headers['x-request-id'] as string | undefined);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/storeLatency`,
    received,
    requestIds,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
