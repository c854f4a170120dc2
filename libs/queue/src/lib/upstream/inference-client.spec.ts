import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@ai/local-stack';
import { InferenceClient, UpstreamError } from './inference-client';

/** A real HTTP server whose answer per path is scripted: [status, body, delayMs]. */
async function scripted(routes: Record<string, () => [number, unknown, number?] | [number, unknown, number, Record<string, string>]>) {
  const hits: string[] = [];
  const requestIds: (string | undefined)[] = [];
  const server: Server = createServer(async (req, res) => {
    for await (const _chunk of req) void _chunk;
    hits.push(req.url ?? '');
    requestIds.push(req.headers['x-request-id'] as string | undefined);
    const [status, body, delayMs = 0, headers = {}] = routes[req.url ?? '']?.() ?? [404, { error: { message: 'nope' } }];
    setTimeout(() => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body)), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    requestIds,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the inference client', () => {
  let upstream: Awaited<ReturnType<typeof scripted>>;
  beforeAll(async () => {
    upstream = await scripted({
      '/infer': () => [200, { predictions: [], timings: { preprocessMs: 1, queueMs: 0, inferenceMs: 2, totalMs: 3, batchSize: 4 } }],
      '/predict': () => [400, { error: { message: 'features: expected 64 values' } }],
      '/generate': () => [503, { error: { message: 'loading' } }, 0],
    });
  });
  afterAll(() => upstream.close());

  it('sends each task to its endpoint and returns the output with server timings', async () => {
    const client = new InferenceClient({ urls: [upstream.url] });
    const result = await client.call('infer', { image: 'AA==' });
    expect(result.server).toMatchObject({ batchSize: 4 });
    expect(result.upstream).toBe(upstream.url);
    expect(result.inferenceMs).toBeGreaterThan(0);
  });

  it('sends the job id as X-Request-Id, so both services log the same id', async () => {
    await new InferenceClient({ urls: [upstream.url] }).call('infer', { image: 'AA==' }, undefined, 'digits-cnn:42');
    expect(upstream.requestIds.at(-1)).toBe('digits-cnn:42');
  });

  it('fails with the upstream status as data: a 4xx not worth retrying, a 5xx worth it, keeping the upstream message', async () => {
    const client = new InferenceClient({ urls: [upstream.url] });
    await expect(client.call('predict', { features: [1] })).rejects.toMatchObject({ status: 400, retryable: false });
    await expect(client.call('predict', { features: [1] })).rejects.toThrow(/400: features: expected 64 values/);
    await expect(client.call('generate', { prompt: 'x' })).rejects.toMatchObject({ name: 'UpstreamError', status: 503, retryable: true });
  });

  it('treats timeouts and refused connections as retryable', async () => {
    const slow = await scripted({ '/infer': () => [200, {}, 1_000] });
    try {
      await expect(new InferenceClient({ urls: [slow.url], timeoutMs: 100 }).call('infer', {})).rejects.toThrow(/timed out after 100 ms/);
      await expect(new InferenceClient({ urls: [slow.url], timeoutMs: 100 }).call('infer', {})).rejects.toBeInstanceOf(UpstreamError);
    } finally {
      await slow.close();
    }
    await expect(new InferenceClient({ urls: ['http://127.0.0.1:9'] }).call('infer', {})).rejects.toMatchObject({ status: undefined, retryable: true });
  });

  it('spreads calls round-robin over several URLs', async () => {
    const other = await scripted({ '/infer': () => [200, {}] });
    try {
      const client = new InferenceClient({ urls: [upstream.url, other.url] });
      const used = [];
      for (let i = 0; i < 4; i += 1) used.push((await client.call('infer', {})).upstream);
      expect(used).toEqual([upstream.url, other.url, upstream.url, other.url]);
    } finally {
      await other.close();
    }
  });

  it('moves on to the next URL at once when a connection is refused, and fails only when every URL refuses', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const client = new InferenceClient({ urls: [closed, upstream.url] });
    for (let i = 0; i < 3; i += 1) expect((await client.call('infer', {})).upstream).toBe(upstream.url);
    const allDown = new InferenceClient({ urls: [closed, closed] });
    await expect(allDown.call('infer', {})).rejects.toThrow(/connection failed/);
  });
});
