import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import type { JobCallback } from '@ai/contracts';
import { freePort } from '@ai/local-stack';
import { CallbackAllowlist } from './callback-allowlist';
import { postCallback } from './callback-delivery';
import { InferenceClient } from './inference-client';
import { RetryableUpstreamError } from './upstream-error';

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

  it('classifies a 4xx as unrecoverable and a 5xx as retryable, keeping the upstream message', async () => {
    const client = new InferenceClient({ urls: [upstream.url] });
    await expect(client.call('predict', { features: [1] })).rejects.toThrow(UnrecoverableError);
    await expect(client.call('predict', { features: [1] })).rejects.toThrow(/400: features: expected 64 values/);
    await expect(client.call('generate', { prompt: 'x' })).rejects.toThrow(RetryableUpstreamError);
  });

  it('treats timeouts and refused connections as retryable', async () => {
    const slow = await scripted({ '/infer': () => [200, {}, 1_000] });
    try {
      await expect(new InferenceClient({ urls: [slow.url], timeoutMs: 100 }).call('infer', {})).rejects.toThrow(/timed out after 100 ms/);
    } finally {
      await slow.close();
    }
    await expect(new InferenceClient({ urls: ['http://127.0.0.1:9'] }).call('infer', {})).rejects.toThrow(RetryableUpstreamError);
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

describe('the callback allowlist', () => {
  it('matches exact hosts and *.suffix wildcards, never other schemes or credentials', () => {
    const list = new CallbackAllowlist(['127.0.0.1', 'localhost', '*.svc.cluster.local', '::1']);
    expect(list.allows('http://127.0.0.1:3003/storeLatency')).toBe(true);
    expect(list.allows('https://load-tester.default.svc.cluster.local/x')).toBe(true);
    expect(list.allows('http://[::1]:80/')).toBe(true);
    expect(list.allows('http://svc.cluster.local/')).toBe(false);
    expect(list.allows('http://evilsvc.cluster.local/')).toBe(false);
    expect(list.allows('http://169.254.169.254/latest/meta-data')).toBe(false);
    expect(list.allows('http://user:pw@127.0.0.1/')).toBe(false);
    expect(list.allows('file:///etc/passwd')).toBe(false);
    expect(new CallbackAllowlist([]).allows('http://127.0.0.1/')).toBe(false);
    expect(new CallbackAllowlist(['*']).allows('http://example.com/')).toBe(true);
  });
});

describe('one callback delivery', () => {
  const body: JobCallback = { jobId: 'm:1', model: 'm', status: 'completed', attempts: 1, timings: { enqueuedAt: 1 } };

  it('is delivered on a 2xx, and worth retrying on a 5xx or a refused connection', async () => {
    const receiver = await scripted({ '/ok': () => [204, {}], '/busy': () => [503, {}] });
    try {
      expect(await postCallback(`${receiver.url}/ok`, body, 2_000)).toEqual({ delivered: true });
      expect(await postCallback(`${receiver.url}/busy`, body, 2_000)).toEqual({ delivered: false, retryable: true, detail: 'status 503' });
      expect(await postCallback(`http://127.0.0.1:${await freePort()}/cb`, body, 2_000)).toMatchObject({ delivered: false, retryable: true });
    } finally {
      await receiver.close();
    }
  });

  it('never follows a redirect, so an allowed host cannot bounce the callback elsewhere, and does not retry it', async () => {
    const target = await scripted({ '/x': () => [204, {}] });
    const bouncer = await scripted({ '/cb': () => [307, {}, 0, { location: `http://127.0.0.2:${new URL(target.url).port}/x` }] });
    try {
      expect(await postCallback(`${bouncer.url}/cb`, body, 2_000)).toEqual({ delivered: false, retryable: false, detail: 'status 307' });
      expect(bouncer.hits).toHaveLength(1);
      expect(target.hits).toHaveLength(0);
    } finally {
      await Promise.all([bouncer.close(), target.close()]);
    }
  });
});
