import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient, HttpTimeout } from './http-client';
import { toRequestId } from './request-id';

async function serve(
  handler: (req: IncomingMessage, body: string, res: ServerResponse) => void,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    handler(req, Buffer.concat(chunks).toString(), res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('HttpClient', () => {
  const client = new HttpClient();
  afterAll(() => client.close());

  it('writes the body parts in order as one JSON body and reuses the connection', async () => {
    const sockets = new Set<unknown>();
    const echo = await serve((req, body, res) => {
      sockets.add(req.socket);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ type: req.headers['content-type'], length: req.headers['content-length'], body, id: req.headers['x-request-id'] }));
    });
    try {
      const first = await client.postJson(new URL(`${echo.url}/a`), [Buffer.from('{"image":'), Buffer.from('"AA=="}')]);
      const second = await client.request('POST', new URL(`${echo.url}/b`), { body: '{}', headers: { 'x-request-id': 'm:1' } });
      expect(first.ok).toBe(true);
      expect(JSON.parse(first.body.toString())).toEqual({ type: 'application/json', length: '16', body: '{"image":"AA=="}' });
      expect(JSON.parse(second.body.toString())).toMatchObject({ body: '{}', id: 'm:1' });
      expect(sockets.size).toBe(1);
    } finally {
      await echo.close();
    }
  });

  it('answers a redirect as it is, without following it', async () => {
    const redirect = await serve((_req, _body, res) => res.writeHead(307, { location: 'http://127.0.0.1:9/elsewhere' }).end());
    try {
      const answer = await client.get(new URL(redirect.url));
      expect(answer).toMatchObject({ status: 307, ok: false });
    } finally {
      await redirect.close();
    }
  });

  it('gives up on a slow exchange at its deadline with HttpTimeout', async () => {
    const slow = await serve((_req, _body, res) => setTimeout(() => res.writeHead(200).end('late'), 2_000));
    try {
      const started = Date.now();
      await expect(client.request('GET', new URL(slow.url), { timeoutMs: 100 })).rejects.toThrow(HttpTimeout);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await slow.close();
    }
  });

  it('cleans an id into a valid X-Request-Id', () => {
    expect(toRequestId('digits-cnn:idem:a b/c')).toBe('digits-cnn:idem:abc');
    expect(toRequestId('x'.repeat(200))).toHaveLength(128);
  });
});
