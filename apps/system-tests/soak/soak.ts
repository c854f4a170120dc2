/**
 * Soak run: the embedded stack (Redis with AOF, inference, dispatcher) under a sustained workload, every
 * process's RSS sampled each 10 s and its V8 heap in use (from /metrics) each 2 s. Reports start and end RSS per
 * process, the heap floor per minute (the lowest heap in use, i.e. what survives garbage collection: a leak makes it
 * climb, a heap merely growing to its working size does not), error rate, and p99 per minute (its spread says whether
 * latency is stable). Not part of the test suite: it runs for the workload's length.
 *
 *   npx nx run system-tests:soak                          # workloads/sustained.txt: 30 jobs/s for 10 min
 *   SOAK_WORKLOAD=workloads/smoke.txt npx nx run system-tests:soak
 *
 * Figures go to stdout and tmp/reliability/soak.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { parseWorkload } from '@ai/workload';
import { recordReport } from '../src/support/fault-report';
import { metricValue } from '../src/support/metrics-reader';
import { megabytes, sampleProcess } from '../src/support/process-stats';
import { sleep } from '../src/support/load-driver';
import { Stack } from '../src/support/stack';
import { digitItem } from '../src/support/work-items';

const WORKLOAD = process.env.SOAK_WORKLOAD ?? 'workloads/sustained.txt';
const SAMPLE_EVERY_MS = 10_000;
const HEAP_SAMPLE_EVERY_MS = 2_000;
/** Results later than this after the workload ends count as errors (lost or stuck). */
const DRAIN_GRACE_MS = 60_000;

/** `nodejs_heap_size_used_bytes` from a service's /metrics, in MB; undefined when it cannot be read. */
async function heapUsedMb(url: string): Promise<number | undefined> {
  const bytes = await metricValue(url, 'nodejs_heap_size_used_bytes').catch(() => 0);
  return bytes > 0 ? bytes / 1e6 : undefined;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const rates = parseWorkload(readFileSync(join(WORKSPACE_ROOT, WORKLOAD), 'utf8'), WORKLOAD);
  console.log(`soak: ${WORKLOAD}, ${rates.length} s, ${rates.reduce((a, b) => a + b, 0)} jobs`);
  const stack = await Stack.start({ dispatcherEnv: { CONCURRENCY: '8', ATTEMPTS: '3', BACKOFF_MS: '500' } });
  const sentAt = new Map<string, number>();
  const latencies: { at: number; ms: number }[] = [];
  let rejected = 0;
  const rss: Record<string, { at: number; mb: number }[]> = {};
  const sample = () => {
    for (const { name, pid } of stack.processes()) {
      const s = sampleProcess(pid);
      if (s) (rss[`${name} (${pid})`] ??= []).push({ at: s.at, mb: megabytes(s.rssBytes) });
    }
  };
  const heapFloor: Record<string, number[]> = {};
  let started = Date.now();
  const sampleHeap = async () => {
    const minute = Math.floor((Date.now() - started) / 60_000);
    for (const { name, pid, url } of stack.processes()) {
      const mb = await heapUsedMb(url);
      if (mb === undefined) continue;
      const floors = (heapFloor[`${name} (${pid})`] ??= []);
      floors[minute] = Math.min(floors[minute] ?? Infinity, mb);
    }
  };
  try {
    const item = await digitItem({ callbackUrl: stack.receiver.url });
    started = Date.now();
    sample();
    const sampler = setInterval(sample, SAMPLE_EVERY_MS);
    const heapSampler = setInterval(() => void sampleHeap(), HEAP_SAMPLE_EVERY_MS);
    const inFlight = new Set<Promise<void>>();
    for (const [second, rate] of rates.entries()) {
      for (let i = 0; i < rate; i += 1) {
        const due = started + second * 1000 + (i * 1000) / rate;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        const send = (async () => {
          const at = Date.now();
          try {
            const response = await fetch(`${stack.dispatcherUrl}/enqueue`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(item),
            });
            const body = (await response.json()) as { jobId?: string };
            if (response.status === 202 && body.jobId) sentAt.set(body.jobId, at);
            else rejected += 1;
          } catch {
            rejected += 1;
          }
        })().finally(() => inFlight.delete(send));
        inFlight.add(send);
      }
      if (second % 60 === 59) console.log(`soak: ${second + 1} s, ${sentAt.size} accepted, ${stack.receiver.received.length} callbacks`);
    }
    await Promise.all(inFlight);
    // The heap floor covers the workload's minutes only: the drain after it is not a minute of steady load.
    clearInterval(heapSampler);
    const deadline = Date.now() + DRAIN_GRACE_MS;
    while (stack.receiver.jobIds().size < sentAt.size && Date.now() < deadline) await sleep(500);
    clearInterval(sampler);
    sample();

    for (const callback of stack.receiver.received) {
      const at = sentAt.get(callback.jobId);
      if (at !== undefined && callback.status === 'completed') latencies.push({ at: at - started, ms: callback.at - at });
    }
    const failed = stack.receiver.received.filter((callback) => callback.status !== 'completed').length;
    const missing = sentAt.size - stack.receiver.jobIds().size;
    const perMinute: { minute: number; jobs: number; p50: number; p99: number }[] = [];
    for (let minute = 0; minute * 60_000 < rates.length * 1000; minute += 1) {
      const window = latencies
        .filter((l) => l.at >= minute * 60_000 && l.at < (minute + 1) * 60_000)
        .map((l) => l.ms)
        .sort((a, b) => a - b);
      perMinute.push({ minute, jobs: window.length, p50: percentile(window, 50), p99: percentile(window, 99) });
    }
    const steady = perMinute
      .slice(1)
      .filter((m) => m.jobs > 0)
      .map((m) => m.p99);
    const sent = sentAt.size + rejected;
    recordReport('soak', {
      workload: WORKLOAD,
      seconds: rates.length,
      sent,
      accepted: sentAt.size,
      completed: latencies.length,
      failed,
      missing,
      errorRate: sent === 0 ? 0 : (rejected + failed + missing) / sent,
      p99SpreadAfterFirstMinute: steady.length > 0 ? { minMs: Math.min(...steady), maxMs: Math.max(...steady) } : undefined,
      perMinute,
      // RSS after the first minute separates warm-up (heap growing to its working size) from a leak.
      rss: Object.fromEntries(
        Object.entries(rss).map(([name, samples]) => [
          name,
          {
            startMb: samples[0]?.mb,
            afterFirstMinuteMb: samples.find((s) => s.at - started >= 60_000)?.mb,
            endMb: samples[samples.length - 1]?.mb,
            maxMb: Math.max(...samples.map((s) => s.mb)),
            samples: samples.length,
          },
        ]),
      ),
      heapFloorMbPerMinute: Object.fromEntries(Object.entries(heapFloor).map(([name, floors]) => [name, floors.map((mb) => Math.round(mb * 10) / 10)])),
    });
    if (rejected + failed + missing > 0) process.exitCode = 1;
  } finally {
    await stack.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
