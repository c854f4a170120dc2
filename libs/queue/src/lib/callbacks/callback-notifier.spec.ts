import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { JobCallback } from '@ai/contracts';
import { freePort, startRedisServer, waitFor, type RunningRedisServer } from '@ai/local-stack';
import { CallbackAllowlist } from './callback-allowlist';
import { CALLBACK_QUEUE, CallbackNotifier, postCallback, type CallbackOutcome } from './callback-notifier';
import { workerRedisOptions } from '@ai/redis-link';

/** A receiver that answers 503 while `down()` says so and records the job ids it accepted. */
async function receiver(down: () => boolean) {
  const accepted: string[] = [];
  let hits = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    hits += 1;
    if (down()) return void res.writeHead(503).end();
    accepted.push((JSON.parse(Buffer.concat(chunks).toString()) as JobCallback).jobId);
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`,
    accepted,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const callback = (jobId: string): JobCallback => ({ jobId, model: 'm', status: 'completed', attempts: 1, timings: { enqueuedAt: 1 } });

describe('the callback notifier', () => {
  let redis: RunningRedisServer;
  let prefix = '';
  let n = 0;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  beforeEach(() => {
    prefix = `cb${(n += 1)}`;
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  const notifier = (outcomes: CallbackOutcome[] = [], extra: { attempts?: number; allow?: string[] } = {}) =>
    new CallbackNotifier({
      connection: workerRedisOptions(redis.url),
      prefix,
      allowlist: new CallbackAllowlist(extra.allow ?? ['127.0.0.1']),
      attempts: extra.attempts ?? 5,
      backoffMs: 50,
      onOutcome: (outcome) => outcomes.push(outcome),
    });

  it('retries a failing receiver with backoff until it accepts', async () => {
    let failures = 2;
    const target = await receiver(() => failures-- > 0);
    const outcomes: CallbackOutcome[] = [];
    const sender = notifier(outcomes);
    try {
      await sender.notify(target.url, callback('m:1'));
      await waitFor('the delivery', () => target.accepted.length === 1, 10_000, 20);
      expect(target.hits()).toBe(3);
      await waitFor('the outcome', () => outcomes.length === 1, 5_000, 20);
      expect(outcomes).toEqual(['delivered']);
    } finally {
      await sender.close();
      await target.close();
    }
  });

  it('gives up after the last attempt and keeps the callback in the failed set', async () => {
    const target = await receiver(() => true);
    const outcomes: CallbackOutcome[] = [];
    const sender = notifier(outcomes, { attempts: 2 });
    const queue = new Queue(CALLBACK_QUEUE, { connection: workerRedisOptions(redis.url), prefix });
    try {
      await sender.notify(target.url, callback('m:2'));
      await waitFor('the final failure', () => outcomes.includes('failed'), 10_000, 20);
      expect(target.hits()).toBe(2);
      expect(await queue.getFailedCount()).toBe(1);
    } finally {
      await queue.close();
      await sender.close();
      await target.close();
    }
  });

  it('refuses hosts outside the allowlist without queueing or sending anything', async () => {
    const outcomes: CallbackOutcome[] = [];
    const sender = notifier(outcomes, { allow: ['localhost'] });
    const queue = new Queue(CALLBACK_QUEUE, { connection: workerRedisOptions(redis.url), prefix });
    try {
      await sender.notify('http://127.0.0.1:9/cb', callback('m:3'));
      expect(outcomes).toEqual(['rejected']);
      expect(await queue.count()).toBe(0);
    } finally {
      await queue.close();
      await sender.close();
    }
  });

  it('delivers a callback still waiting for a retry after the process that queued it has gone', async () => {
    let down = true;
    const target = await receiver(() => down);
    const first = notifier([], { attempts: 20 });
    await first.notify(target.url, callback('m:4'));
    await waitFor('a failed first try', () => target.hits() >= 1, 10_000, 20);
    await first.close();
    const hitsWhileNobodyDelivers = target.hits();
    down = false;
    const second = notifier([], { attempts: 20 });
    try {
      await waitFor('the delivery by another process', () => target.accepted.length === 1, 15_000, 20);
      expect(target.accepted).toEqual(['m:4']);
      expect(target.hits()).toBeGreaterThan(hitsWhileNobodyDelivers);
    } finally {
      await second.close();
      await target.close();
    }
  });
});

/** A server answering each path with a fixed status (and headers); counts its hits. */
async function answering(routes: Record<string, [number, Record<string, string>?]>) {
  const hits: string[] = [];
  const server = createServer(async (req, res) => {
    for await (const _chunk of req) void _chunk;
    hits.push(req.url ?? '');
    const [status, headers] = routes[req.url ?? ''] ?? [404];
    res.writeHead(status, headers).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('one callback delivery', () => {
  const body: JobCallback = { jobId: 'm:1', model: 'm', status: 'completed', attempts: 1, timings: { enqueuedAt: 1 } };

  it('is delivered on a 2xx, and worth retrying on a 5xx or a refused connection', async () => {
    const receiver = await answering({ '/ok': [204], '/busy': [503] });
    try {
      expect(await postCallback(`${receiver.url}/ok`, body, 2_000)).toEqual({ delivered: true });
      expect(await postCallback(`${receiver.url}/busy`, body, 2_000)).toEqual({ delivered: false, retryable: true, detail: 'status 503' });
      expect(await postCallback(`http://127.0.0.1:${await freePort()}/cb`, body, 2_000)).toMatchObject({ delivered: false, retryable: true });
    } finally {
      await receiver.close();
    }
  });

  it('never follows a redirect, so an allowed host cannot bounce the callback elsewhere, and does not retry it', async () => {
    const target = await answering({ '/x': [204] });
    const bouncer = await answering({ '/cb': [307, { location: `http://127.0.0.2:${new URL(target.url).port}/x` }] });
    try {
      expect(await postCallback(`${bouncer.url}/cb`, body, 2_000)).toEqual({ delivered: false, retryable: false, detail: 'status 307' });
      expect(bouncer.hits).toHaveLength(1);
      expect(target.hits).toHaveLength(0);
    } finally {
      await Promise.all([bouncer.close(), target.close()]);
    }
  });
});
