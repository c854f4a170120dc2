import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { RunningNodeService } from '@ai/local-stack';
import { waitFor } from '@ai/local-stack';
import { CallbackReceiver } from '../support/callback-receiver';
import { metricValue } from '../support/metrics-reader';
import { digitItem } from '../support/work-items';
import { Stack } from '../support/stack';

const KEYS = ['first-key-0123456789', 'second-key-9876543210'];

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
}

/** A receiver on the allowlisted host that redirects every callback to `target`. */
async function redirectingReceiver(target: string): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    req.resume();
    res.writeHead(307, { location: target }).end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`, server, hits: () => hits };
}

/**
 * The dispatcher's gates: API keys on the work endpoints (probes and scraping stay open), the callback
 * allowlist at the API and again at delivery (so a job written by a laxer replica, or a redirect, cannot
 * reach a host outside it).
 */
describe('dispatcher security', () => {
  let stack: Stack;
  let laxApi: RunningNodeService;
  const forbidden = new CallbackReceiver();

  beforeAll(async () => {
    stack = await Stack.start({ dispatcherEnv: { API_KEYS: KEYS.join(','), CALLBACK_ALLOWLIST: '127.0.0.1', CALLBACK_ATTEMPTS: '2' } });
    // A second API replica configured to allow any callback host and no keys: its jobs are drained by the
    // strict process's workers, which must check the allowlist again before delivering.
    laxApi = await stack.startDispatcher({ ROLE: 'api', CALLBACK_ALLOWLIST: '*', API_KEYS: '' });
    stack.dispatchers.push(laxApi);
    await forbidden.up();
  });

  afterAll(async () => {
    await forbidden.down();
    await stack?.dispose();
  });

  it('answers 401 on /enqueue and /infer without a key or with a wrong one, 202 with a right one', async () => {
    const item = await digitItem();
    const url = stack.dispatcherUrl;
    for (const path of ['/enqueue', '/infer']) {
      const none = await post(url + path, item);
      const wrong = await post(url + path, item, { authorization: 'Bearer not-a-key' });
      const prefix = await post(url + path, item, { authorization: `Bearer ${KEYS[0].slice(0, -1)}` });
      expect([none.status, wrong.status, prefix.status]).toEqual([401, 401, 401]);
      expect((none.body.error as { code: string }).code).toBe('unauthorized');
    }
    const accepted = await post(url + '/enqueue', item, { authorization: `Bearer ${KEYS[1]}` });
    expect(accepted.status).toBe(202);
    const sync = await post(url + '/infer', item, { authorization: `Bearer ${KEYS[0]}` });
    expect(sync.status).toBe(200);
  });

  it('keeps /health, /ready and /metrics open for probes and scraping', async () => {
    for (const path of ['/health', '/ready', '/metrics']) {
      expect((await fetch(stack.dispatcherUrl + path)).status).toBe(200);
    }
  });

  it('refuses at /enqueue a callback host outside CALLBACK_ALLOWLIST', async () => {
    const outside = forbidden.url.replace('127.0.0.1', 'localhost');
    const answer = await post(stack.dispatcherUrl + '/enqueue', await digitItem({ callbackUrl: outside }), { authorization: `Bearer ${KEYS[0]}` });
    expect(answer.status).toBe(400);
    expect((answer.body.error as { field: string }).field).toBe('callbackUrl');
  });

  it('never delivers to a host outside the allowlist, even for a job accepted elsewhere or behind a redirect', async () => {
    const outside = forbidden.url.replace('127.0.0.1', 'localhost');
    // Control: the forbidden receiver is reachable at that URL, so zero hits below means refused, not unreachable.
    expect((await fetch(outside, { method: 'POST', body: '{}' })).status).toBe(200);
    forbidden.hits = 0;
    forbidden.received.length = 0;
    const redirect = await redirectingReceiver(outside);
    try {
      const direct = await post(laxApi.url + '/enqueue', await digitItem({ callbackUrl: outside }));
      const viaRedirect = await post(laxApi.url + '/enqueue', await digitItem({ callbackUrl: redirect.url }));
      expect([direct.status, viaRedirect.status]).toEqual([202, 202]);
      // Both jobs complete; the strict workers refuse one delivery and do not follow the redirect of the other.
      await waitFor(
        'both jobs to complete',
        async () => {
          const states = await Promise.all(
            [direct, viaRedirect].map(
              async (answer) =>
                ((await (await fetch(`${laxApi.url}/jobs/${encodeURIComponent(String(answer.body.jobId))}`)).json()) as { state: string }).state,
            ),
          );
          return states.every((state) => state === 'completed');
        },
        60_000,
        200,
      );
      await waitFor('the redirecting receiver to be called', () => redirect.hits() > 0, 30_000, 100);
      await waitFor(
        'the refusal to be counted',
        async () => (await metricValue(stack.dispatcherUrl, 'dispatcher_callbacks_total', { status: 'rejected' })) >= 1,
        30_000,
        200,
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(forbidden.hits).toBe(0);
    } finally {
      await new Promise((resolve) => redirect.server.close(resolve));
    }
  });
});
