/**
 * `nx run dispatcher:bench`: enqueue throughput, drain throughput against a no-op upstream, the achieved
 * drain rate against DRAIN_RATE, and the latency a synchronous /infer adds over calling the upstream
 * directly. Every figure is printed next to a baseline measured in the same run. Real redis-server; the
 * dispatcher runs as its own process from its build, as its container does; the clients and the no-op upstream
 * run here. Each phase starts after a warm-up, so the figures are those of a server whose code V8 has optimised.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeRun, startNodeService, startRedisServer, waitFor, writeBenchmarkSection, type RunningNodeService } from '@ai/local-stack';
import IORedis from 'ioredis';

const ENQUEUE_SECONDS = 5;
const ENQUEUE_CLIENTS = 32;
const DRAIN_JOBS = 4_000;
const RATE_SETTING = 50;
const RATE_WINDOW_SECONDS = 10;
const LATENCY_REQUESTS = 800;
const LATENCY_CLIENTS = 2;
const LATENCY_WARMUP_REQUESTS = 2_000;

const ITEM = { model: 'noop', features: Array.from({ length: 16 }, (_, i) => i / 16) };

async function startNoopUpstream() {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    arrivals.push(performance.now());
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function dispatcher(env: Record<string, string>): Promise<RunningNodeService> {
  return startNodeService({
    name: `dispatcher ${env.ROLE}`,
    entry: 'dist/apps/dispatcher/main.js',
    env: { LOG_LEVEL: 'error', MAX_QUEUE_LENGTH: '0', ...env },
    readyPath: '/ready',
  });
}

/** Keep-alive HTTP client on node:http: lighter than fetch, so the clients leave the CPU to the servers. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Closed-loop clients POSTing `body` to `url` for `seconds`; returns accepted requests per second. */
async function hammer(url: string, body: string, clients: number, seconds: number, okStatus: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  let bad = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const status = await post(url, body);
        if (status === okStatus) ok += 1;
        else bad += 1;
      }
    }),
  );
  if (bad > 0) console.warn(`  (${bad} requests to ${url} were not ${okStatus})`);
  return (ok * 1000) / (performance.now() - started);
}

/** Latencies (ms) of `count` POSTs spread over `clients` closed-loop clients. */
async function latencies(url: string, body: string, count: number, clients: number): Promise<number[]> {
  const out: number[] = [];
  let left = count;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (left-- > 0) {
        const t0 = performance.now();
        const status = await post(url, body);
        if (status !== 200) throw new Error(`${url} answered ${status}`);
        out.push(performance.now() - t0);
      }
    }),
  );
  return out.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const f = (n: number, digits = 0) => n.toFixed(digits);

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const upstream = await startNoopUpstream();
  const counter = new IORedis(redis.url);
  const base = { REDIS_URL: redis.url, INFERENCE_URLS: `noop=${upstream.url}` };
  const running: RunningNodeService[] = [];
  const section = [describeRun(), ''];
  const report = (line: string) => {
    console.log(line);
    section.push(line);
  };
  try {
    console.log(`dispatcher:bench: ${section[0]}\n`);

    // 1. Enqueue throughput vs a no-op HTTP server answering the same clients.
    const api = await dispatcher({ ...base, ROLE: 'api', QUEUE_PREFIX: 'benchA' });
    running.push(api);
    const body = JSON.stringify(ITEM);
    await hammer(`${api.url}/enqueue`, body, ENQUEUE_CLIENTS, 2, 202); // warm-up
    await hammer(`${upstream.url}/predict`, body, ENQUEUE_CLIENTS, 1, 200);
    const enqueueRate = await hammer(`${api.url}/enqueue`, body, ENQUEUE_CLIENTS, ENQUEUE_SECONDS, 202);
    const noopRate = await hammer(`${upstream.url}/predict`, body, ENQUEUE_CLIENTS, ENQUEUE_SECONDS, 200);
    const batchBody = JSON.stringify({ items: Array.from({ length: 50 }, () => ITEM) });
    const batchRate = 50 * (await hammer(`${api.url}/enqueue`, batchBody, 8, 3, 202));
    report('| measure | value | baseline (same run) | ratio |');
    report('|---|---|---|---|');
    report(
      `| /enqueue accepted, ${ENQUEUE_CLIENTS} keep-alive clients | ${f(enqueueRate)} jobs/s | no-op HTTP server: ${f(noopRate)} req/s | ${f(enqueueRate / noopRate, 2)} (goal ≥ 3,000 jobs/s: ${f(enqueueRate / 3000, 2)}×) |`,
    );
    report(`| /enqueue batches of 50 | ${f(batchRate)} jobs/s | single-item enqueue | ${f(batchRate / enqueueRate, 1)} |`);
    await api.stop();
    running.pop();

    // 2. Drain throughput, unlimited rate, against the no-op upstream.
    const fill = await dispatcher({ ...base, ROLE: 'api', QUEUE_PREFIX: 'benchB' });
    running.push(fill);
    for (let added = 0; added < DRAIN_JOBS; added += 500) {
      const res = await fetch(`${fill.url}/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: Array.from({ length: 500 }, () => ITEM) }),
      });
      if (res.status !== 202) throw new Error(`fill answered ${res.status}`);
    }
    const drainer = await dispatcher({ ...base, ROLE: 'worker', QUEUE_PREFIX: 'benchB', DRAIN_RATE: '0', CONCURRENCY: '64' });
    running.push(drainer);
    const drainedKey = 'benchB:noop:drained';
    await waitFor('the first drained job', async () => Number(await counter.get(drainedKey)) > 0, 30_000, 5);
    const t0 = performance.now();
    const c0 = Number(await counter.get(drainedKey));
    await waitFor('the backlog to drain', async () => Number(await counter.get(drainedKey)) >= DRAIN_JOBS, 120_000, 20);
    const drainRate = ((DRAIN_JOBS - c0) * 1000) / (performance.now() - t0);
    report(`| drain, DRAIN_RATE=0, CONCURRENCY=64, no-op upstream | ${f(drainRate)} jobs/s | /enqueue rate | ${f(drainRate / enqueueRate, 2)} |`);
    await drainer.stop();
    running.pop();

    // 3. Achieved drain rate vs the setting. The limiter admits RATE_SETTING jobs per one-second window;
    // time whole windows, from the first call of the first to the first call of the one after the last,
    // so where a measurement starts within a window cannot skew the figure.
    const windows = RATE_WINDOW_SECONDS;
    const need = RATE_SETTING * (windows + 3);
    for (let added = 0; added < need; added += 500) {
      await fetch(`${fill.url}/enqueue`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ items: Array.from({ length: Math.min(500, need - added) }, () => ITEM) }),
      });
    }
    upstream.arrivals.length = 0;
    const rated = await dispatcher({ ...base, ROLE: 'worker', QUEUE_PREFIX: 'benchB', DRAIN_RATE: String(RATE_SETTING), CONCURRENCY: '16' });
    running.push(rated);
    // The first window's first call pays for connection set-up and a cold process: start at the second.
    await waitFor('the rated calls', () => upstream.arrivals.length > RATE_SETTING * (windows + 1), 60_000, 50);
    const arrivals = upstream.arrivals;
    const achieved = (RATE_SETTING * windows * 1000) / (arrivals[RATE_SETTING * (windows + 1)] - arrivals[RATE_SETTING]);
    report(
      `| achieved drain rate over ${windows} limiter windows | ${f(achieved, 1)} jobs/s | DRAIN_RATE=${RATE_SETTING} | ${f(achieved / RATE_SETTING, 3)} (goal within 5%) |`,
    );
    await Promise.all([fill.stop(), rated.stop()]);
    running.length = 0;

    // 4. Latency the dispatcher adds: sync /infer vs calling the upstream directly, moderate load.
    const sync = await dispatcher({ ...base, ROLE: 'all', QUEUE_PREFIX: 'benchD', DRAIN_RATE: '0', CONCURRENCY: '16' });
    running.push(sync);
    await latencies(`${sync.url}/infer`, body, LATENCY_WARMUP_REQUESTS, LATENCY_CLIENTS);
    await latencies(`${upstream.url}/predict`, body, LATENCY_WARMUP_REQUESTS, LATENCY_CLIENTS);
    const direct = await latencies(`${upstream.url}/predict`, body, LATENCY_REQUESTS, LATENCY_CLIENTS);
    const viaDispatcher = await latencies(`${sync.url}/infer`, body, LATENCY_REQUESTS, LATENCY_CLIENTS);
    for (const p of [50, 99]) {
      report(
        `| p${p} latency, ${LATENCY_CLIENTS} clients, sync /infer | ${f(pct(viaDispatcher, p), 2)} ms | direct upstream: ${f(pct(direct, p), 2)} ms | added ${f(pct(viaDispatcher, p) - pct(direct, p), 2)} ms${p === 50 ? ' (goal ≤ 5 ms)' : ''} |`,
      );
    }
    await sync.stop();
    running.pop();
    writeBenchmarkSection('dispatcher', section);
  } finally {
    await Promise.all(running.map((service) => service.stop('SIGKILL')));
    await counter.quit();
    agent.destroy();
    await upstream.close();
    await redis.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
