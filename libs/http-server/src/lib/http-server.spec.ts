import { z } from 'zod';
import { createLogger, createMetricsRegistry } from '@ai/observability';
import { AppError, createHttpApp, listen, parseOrThrow } from '../index';
import type { RunningHttpServer } from './http-server';

const Body = z.object({ name: z.string().min(1), count: z.number().int() }).strict();

async function startTestServer(): Promise<RunningHttpServer> {
  const logger = createLogger({ service: 'test', silent: true });
  const registry = createMetricsRegistry({ service: 'test', defaultMetrics: false });
  const app = createHttpApp({ logger, registry, api: { title: 't', version: '1' }, jsonLimitBytes: 1024 }, [
    {
      docs: [{ method: 'post', path: '/echo', summary: 'echoes a valid body', request: Body, responses: { 200: { description: 'the body' } } }],
      mount: (routes) => {
        routes.post('/echo', (req, res) => {
          res.json(parseOrThrow(Body, req.body));
        });
        routes.get('/boom', () => {
          throw new Error('secret internal detail');
        });
        routes.get('/busy', () => {
          throw AppError.tooManyRequests('queue full', 2.2);
        });
        routes.get('/slow', async (_req, res) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          res.json({ done: true });
        });
      },
    },
  ]);
  return listen(app, { port: 0, host: '127.0.0.1' });
}

describe('the shared HTTP skeleton', () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(server.url + path, { method: 'POST', body, headers: { 'content-type': contentType } });

  it('answers a valid body and echoes a request id', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'a', count: 1 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('when a field is wrong, answers 400 with a JSON error naming the field', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'a', count: 'many' }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'invalid_request', field: 'count' });
    expect(body.error.message).toContain('count');
  });

  it('when the JSON is malformed, answers 400 naming the body', async () => {
    const res = await post('/echo', '{"name": ');
    expect(res.status).toBe(400);
    expect((await res.json()).error.field).toBe('body');
  });

  it('when the body is over the limit, answers 413', async () => {
    const res = await post('/echo', JSON.stringify({ name: 'x'.repeat(5000), count: 1 }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
  });

  it('hides internal errors behind a 500 without details', async () => {
    const res = await fetch(server.url + '/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text).error.code).toBe('internal_error');
  });

  it('sets Retry-After on 429, rounded up to whole seconds', async () => {
    const res = await fetch(server.url + '/busy');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
  });

  it('answers 404 as JSON for unknown paths, and serves the docs and metrics', async () => {
    expect((await fetch(server.url + '/nope')).status).toBe(404);
    expect((await fetch(server.url + '/docs/')).status).toBe(200);
    const openapi = await (await fetch(server.url + '/openapi.json')).json();
    expect(openapi.info).toMatchObject({ title: 't', version: '1' });
    expect(Object.keys(openapi.paths)).toEqual(['/echo']);
    expect(await (await fetch(server.url + '/metrics')).text()).toContain('http_errors_total');
  });

  it("builds requests and responses with the app's prototypes, so Express has none to swap", async () => {
    const app = createHttpApp(
      {
        logger: createLogger({ service: 'test', silent: true }),
        registry: createMetricsRegistry({ service: 'test', defaultMetrics: false }),
        api: { title: 't', version: '1' },
        jsonLimitBytes: 1024,
      },
      [{ docs: [], mount: (routes) => routes.get('/who', (req, res) => void res.json({ app: req.app === app })) }],
    );
    const running = await listen(app, { port: 0, host: '127.0.0.1' });
    const born: boolean[] = [];
    // Runs before Express, which would otherwise set the prototypes itself.
    running.server.prependListener('request', (req, res) =>
      born.push(Object.getPrototypeOf(req) === app.request && Object.getPrototypeOf(res) === app.response),
    );
    try {
      const res = await fetch(running.url + '/who');
      expect(await res.json()).toEqual({ app: true });
      expect(born).toEqual([true]);
      // Mounted sub-apps (the docs) still get their own prototypes and work.
      expect((await fetch(running.url + '/docs/')).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('on close, lets a request in flight finish before closing', async () => {
    const other = await startTestServer();
    const inFlight = fetch(other.url + '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(other.inFlight()).toBe(1);
    await other.close(5_000);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
  });
});
