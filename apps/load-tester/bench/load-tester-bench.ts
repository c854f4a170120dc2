/**
 * `nx run load-tester:bench`: how fast one load-tester process generates open-loop load.
 *
 * - Baseline: the closed-loop capacity of the same trivial server with the same client (64 requests kept in
 *   flight), so open-loop figures read as a share of what the client+server pair can do at all.
 * - Sustained open-loop rate: 1000, 2000, 3000 ... requests/s for 3 s each, until some second's sent or
 *   completed count is more than 1 % off target (or a request fails); for small bodies and 100 KB bodies.
 * - Send lateness (actual − intended send time) at 1000 requests/s.
 *
 * The server runs in a child process so it does not share the generator's event loop.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { HttpClient } from '@ai/http-client';
import { runLoad, type LoadRunResult } from '@ai/workload';
import { describeRun, writeBenchmarkSection } from '@ai/local-stack';

const SECONDS = 3;
const STEP = 1000;
const MAX_RATE = 12_000;

const SERVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.on('data', () => {}); req.on('end', () => res.end('{"ok":true}')); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

async function startServer() {
  const child = fork('-e', [SERVER_SOURCE], { execArgv: ['-e', SERVER_SOURCE], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  return { url: new URL(`http://127.0.0.1:${port}/enqueue`), stop: () => child.kill() };
}

function bodyOf(bytes: number): Buffer[] {
  // A JSON body like /enqueue's: the base64 image part built once, a small per-request tail.
  const image = randomBytes(Math.ceil((bytes * 3) / 4))
    .toString('base64')
    .slice(0, bytes);
  return [Buffer.from(`{"model":"digits-cnn","image":"${image}","clientRef":"`), Buffer.from('0"}')];
}

async function closedLoop(sender: HttpClient, url: URL, body: Buffer[], concurrency = 64, ms = 2000): Promise<number> {
  let done = 0;
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await sender.postJson(url, body);
        done += 1;
      }
    }),
  );
  return done / (ms / 1000);
}

async function openLoop(sender: HttpClient, url: URL, body: Buffer[], rate: number): Promise<LoadRunResult> {
  return runLoad({
    rates: new Array(SECONDS).fill(rate),
    timeoutMs: 5_000,
    execute: async (_request, signal) => {
      const answer = await sender.postJson(url, body, signal);
      return answer.status === 200 ? { outcome: 'completed' } : { outcome: 'failed', reason: `http_${answer.status}` };
    },
  });
}

/** Every second within 1 % of target, sent and completed, and nothing failed. */
function sustained(result: LoadRunResult, rate: number): { ok: boolean; worstPct: number } {
  const seconds = result.seconds.slice(0, SECONDS);
  const worst = Math.max(...seconds.flatMap((s) => [Math.abs(s.sent - rate), Math.abs(s.completed - rate)])) / rate;
  const ok = worst <= 0.01 && result.counts.completed === result.counts.scheduled;
  return { ok, worstPct: worst * 100 };
}

async function searchRate(label: string, sender: HttpClient, url: URL, body: Buffer[]): Promise<number> {
  let best = 0;
  for (let rate = STEP; rate <= MAX_RATE; rate += STEP) {
    const result = await openLoop(sender, url, body, rate);
    const verdict = sustained(result, rate);
    const l = result.schedule.lateness;
    console.log(
      `  ${label} ${String(rate).padStart(5)} req/s: ${verdict.ok ? 'held' : 'MISSED'} (worst second ${verdict.worstPct.toFixed(2)} % off, ` +
        `completed ${result.counts.completed}/${result.counts.scheduled}, lateness p50 ${l.p50.toFixed(3)} ms p99 ${l.p99.toFixed(3)} ms, e2e p99 ${result.latency.p99.toFixed(2)} ms)`,
    );
    if (!verdict.ok) break;
    best = rate;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return best;
}

async function main() {
  const run = describeRun();
  console.log(`load-tester:bench: ${run}`);
  const server = await startServer();
  const sender = new HttpClient({ maxSockets: 2048 });
  const small = bodyOf(64);
  const large = bodyOf(100 * 1024);
  try {
    await closedLoop(sender, server.url, small, 64, 500); // warm-up: sockets, JIT
    const baseSmall = await closedLoop(sender, server.url, small);
    const baseLarge = await closedLoop(sender, server.url, large);
    console.log(`Baseline, closed loop with 64 in flight: small ${baseSmall.toFixed(0)} req/s, 100 KB ${baseLarge.toFixed(0)} req/s`);

    await openLoop(sender, server.url, small, 500); // warm-up of the open-loop path
    const lateRun = await openLoop(sender, server.url, small, 1000);
    const late = lateRun.schedule.lateness;
    console.log(
      `Send lateness at 1000 req/s (small bodies, ${late.count} requests): p50 ${late.p50.toFixed(3)} ms, p99 ${late.p99.toFixed(3)} ms, max ${late.max.toFixed(3)} ms`,
    );

    console.log('Open-loop search (3 s per step, every second within 1 % of target):');
    const bestSmall = await searchRate('small', sender, server.url, small);
    const bestLarge = await searchRate('100KB', sender, server.url, large);
    console.log('');
    console.log(
      `Highest sustained open-loop rate, small bodies : ${bestSmall} req/s (${((bestSmall / baseSmall) * 100).toFixed(0)} % of closed-loop baseline; goal >= 3000)`,
    );
    console.log(
      `Highest sustained open-loop rate, 100 KB bodies: ${bestLarge} req/s (${((bestLarge / baseLarge) * 100).toFixed(0)} % of closed-loop baseline; goal >= 1000)`,
    );
    console.log(`Send lateness at 1000 req/s: p50 ${late.p50.toFixed(3)} ms (goal < 0.1), p99 ${late.p99.toFixed(3)} ms (goal < 2)`);
    writeBenchmarkSection('load-tester', [
      run,
      '',
      '| figure | value | baseline (same run) | goal |',
      '|---|---|---|---|',
      `| highest held open-loop rate, small bodies | ${bestSmall} req/s | closed loop, 64 in flight: ${baseSmall.toFixed(0)} req/s | ≥ 3000: ${bestSmall >= 3000 ? '**met**' : 'not met'} |`,
      `| highest held open-loop rate, 100 KB bodies | ${bestLarge} req/s | closed loop, 64 in flight: ${baseLarge.toFixed(0)} req/s | ≥ 1000: ${bestLarge >= 1000 ? '**met**' : 'not met'} |`,
      `| send lateness at 1000 req/s, p50 | ${late.p50.toFixed(3)} ms | — | < 0.1 ms: ${late.p50 < 0.1 ? '**met**' : 'not met'} |`,
      `| send lateness at 1000 req/s, p99 | ${late.p99.toFixed(3)} ms | — | < 2 ms: ${late.p99 < 2 ? '**met**' : 'not met'} |`,
    ]);
  } finally {
    sender.close();
    server.stop();
  }
}

void main();
