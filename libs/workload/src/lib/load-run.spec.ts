import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpClient } from '@ai/http-client';
import { runLoad, type RequestRecord, type RequestResult } from '../index';

/** A real HTTP server on 127.0.0.1 whose answer to each request is decided by `handle`. */
async function startServer(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => handle(req, res));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/work`);
  return {
    url,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function postExecutor(sender: HttpClient, url: URL) {
  const body = [Buffer.from('{"n":1}')];
  return async (_request: unknown, signal: AbortSignal): Promise<RequestResult> => {
    const answer = await sender.postJson(url, body, signal);
    return answer.status === 200 ? { outcome: 'completed', status: 200 } : { outcome: 'failed', reason: `http_${answer.status}`, status: answer.status };
  };
}

describe('runLoad against a local HTTP server', () => {
  const sender = new HttpClient();
  afterAll(() => sender.close());

  it('sends and completes every second within 2 % of its target rate (200 requests/s for 3 s)', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    try {
      const result = await runLoad({ rates: [200, 200, 200], execute: postExecutor(sender, server.url), timeoutMs: 5_000 });
      expect(result.counts).toEqual({ scheduled: 600, completed: 600, failed: 0, timedOut: 0, notSent: 0 });
      for (const second of result.seconds.slice(0, 3)) {
        expect(Math.abs(second.sent - 200)).toBeLessThanOrEqual(4);
      }
      expect(result.schedule.maxRateErrorPct).toBeLessThanOrEqual(2);
      // When completions land depends on the server and the machine, not the generator: only the total is exact.
      expect(result.seconds.reduce((sum, s) => sum + s.completed, 0)).toBe(600);
      expect(result.latency.count).toBe(600);
      expect(result.schedule.lateness.count).toBe(600);
    } finally {
      await server.close();
    }
  });

  it('measures latency from the intended send time, so a server stall shows in every request it delayed', async () => {
    // The server holds every answer that arrives between 1.0 s and 1.5 s into the run until 1.5 s.
    let stallStart = 0;
    const held: http.ServerResponse[] = [];
    const server = await startServer((_req, res) => {
      const t = performance.now() - stallStart;
      if (t >= 1000 && t < 1500) held.push(res);
      else res.end('ok');
    });
    const records: RequestRecord[] = [];
    try {
      stallStart = performance.now();
      const releaser = setTimeout(() => held.splice(0).forEach((res) => res.end('ok')), 1500);
      const result = await runLoad({
        origin: stallStart,
        rates: [20, 20, 20],
        execute: postExecutor(sender, server.url),
        onRecord: (record) => records.push(record),
      });
      clearTimeout(releaser);
      const stalled = records.filter((r) => r.second === 1 && r.intendedMs < 1400);
      // Intended at 1000, 1050, ... 1350 ms: each waited until 1500 ms, so 500 ... 150 ms.
      expect(stalled).toHaveLength(8);
      for (const r of stalled) expect(r.e2eMs).toBeGreaterThanOrEqual(1500 - r.intendedMs - 5);
      expect(result.latency.max).toBeGreaterThanOrEqual(490);
      expect(result.seconds[1].latency?.p90).toBeGreaterThanOrEqual(300);
      expect(result.seconds[1].latency!.p99).toBeGreaterThan(result.seconds[0].latency!.p99 + 400);
      expect(result.counts.completed).toBe(60);
    } finally {
      await server.close();
    }
  });

  it('settles every request exactly once: completed, failed with a reason, timed out at no less than the timeout, or not sent', async () => {
    let n = 0;
    const server = await startServer((_req, res) => {
      n += 1;
      if (n % 10 === 0) return; // never answered: times out
      if (n % 10 === 5) {
        res.statusCode = 503;
        return void res.end('busy');
      }
      res.end('ok');
    });
    const records: RequestRecord[] = [];
    const controller = new AbortController();
    try {
      setTimeout(() => controller.abort(), 1_500);
      const result = await runLoad({
        rates: [20, 20, 20, 20],
        execute: postExecutor(sender, server.url),
        timeoutMs: 300,
        signal: controller.signal,
        onRecord: (record) => records.push(record),
      });
      const { scheduled, completed, failed, timedOut, notSent } = result.counts;
      expect(scheduled).toBe(80);
      expect(completed + failed + timedOut + notSent).toBe(80);
      expect(notSent).toBeGreaterThanOrEqual(35);
      expect(timedOut).toBeGreaterThanOrEqual(2);
      expect(result.failuresByReason['http_503']).toBeGreaterThanOrEqual(2);
      expect(records).toHaveLength(80);
      expect(new Set(records.map((r) => r.seq)).size).toBe(80);
      for (const r of records.filter((r) => r.outcome === 'timedOut')) expect(r.e2eMs).toBeGreaterThanOrEqual(300);
      expect(result.latency.max).toBeGreaterThanOrEqual(300);
      expect(result.schedule.aborted).toBe(true);
    } finally {
      await server.close();
    }
  });
});
