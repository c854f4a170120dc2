import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDispatcher {
  url: string;
  /** Bodies of /enqueue and /infer, parsed. */
  received: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * A stand-in for the dispatcher's HTTP API (not its queue): /enqueue answers 202 and delivers the callback
 * after `jobMs` — for every even clientRef *before* the 202, as a fast real dispatcher can; /jobs/:id and
 * /infer answer from the same jobs; /metrics exposes dispatcher_queue_depth. Jobs whose clientRef is in
 * `failRefs` fail.
 */
/** Tokens each completed prompt job reports. */
export const FAKE_TOKENS = 5;

export async function startFakeDispatcher(options: { jobMs?: number; failRefs?: Set<string> } = {}): Promise<FakeDispatcher> {
  const jobMs = options.jobMs ?? 20;
  const jobs = new Map<string, { enqueuedAt: number; finishedAt?: number; clientRef?: string; failed: boolean; prompt?: boolean }>();
  const received: Array<Record<string, unknown>> = [];
  let seq = 0;
  const timings = (job: { enqueuedAt: number; finishedAt?: number }) => ({
    enqueuedAt: job.enqueuedAt,
    startedAt: job.enqueuedAt + 5,
    finishedAt: job.finishedAt,
    queueWaitMs: 5,
    inferenceMs: jobMs - 5,
    e2eMs: jobMs,
  });
  const status = (id: string) => {
    const job = jobs.get(id)!;
    const state = job.finishedAt === undefined ? 'active' : job.failed ? 'failed' : 'completed';
    // A prompt job answers like /generate: FAKE_TOKENS tokens each.
    const result = state === 'completed' && job.prompt ? { generated_text: 'x'.repeat(FAKE_TOKENS), tokens: FAKE_TOKENS, finish_reason: 'length' } : undefined;
    return {
      jobId: id,
      model: 'digits-cnn',
      state,
      clientRef: job.clientRef,
      attempts: 1,
      result,
      failedReason: job.failed ? 'upstream 500' : undefined,
      timings: timings(job),
    };
  };
  const json = (res: http.ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/metrics') {
        const active = [...jobs.values()].filter((j) => j.finishedAt === undefined).length;
        res.end(
          `# TYPE dispatcher_queue_depth gauge\ndispatcher_queue_depth{model="digits-cnn",state="waiting",service="dispatcher"} 3\ndispatcher_queue_depth{model="digits-cnn",state="active",service="dispatcher"} ${active}\n`,
        );
        return;
      }
      if (req.method === 'GET' && req.url?.startsWith('/jobs/')) {
        const id = decodeURIComponent(req.url.slice('/jobs/'.length));
        return jobs.has(id) ? json(res, 200, status(id)) : json(res, 404, { error: { code: 'not_found', message: 'no job' } });
      }
      if (req.method !== 'POST' || (req.url !== '/enqueue' && req.url !== '/infer'))
        return json(res, 404, { error: { code: 'not_found', message: req.url ?? '' } });
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      received.push(body);
      const id = `digits-cnn:${++seq}`;
      const clientRef = body['clientRef'] as string | undefined;
      const job = {
        enqueuedAt: Date.now(),
        clientRef,
        failed: options.failRefs?.has(clientRef ?? '') ?? false,
        prompt: typeof body['prompt'] === 'string',
      } as { enqueuedAt: number; finishedAt?: number; clientRef?: string; failed: boolean; prompt?: boolean };
      jobs.set(id, job);
      const finish = () => {
        job.finishedAt = Date.now();
        if (typeof body['callbackUrl'] === 'string') {
          void fetch(body['callbackUrl'], {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ...status(id), status: job.failed ? 'failed' : 'completed', state: undefined }),
          });
        }
      };
      if (req.url === '/infer') {
        return void setTimeout(() => {
          finish();
          json(res, job.failed ? 502 : 200, job.failed ? { error: { code: 'inference_failed', message: 'x' } } : status(id));
        }, jobMs);
      }
      if (Number(clientRef) % 2 === 0) {
        finish();
        // The callback is on its way before the 202 leaves.
        setTimeout(() => json(res, 202, { jobId: id, queuedAt: new Date().toISOString(), duplicate: false }), 10);
      } else {
        json(res, 202, { jobId: id, queuedAt: new Date().toISOString(), duplicate: false });
        setTimeout(finish, jobMs);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
