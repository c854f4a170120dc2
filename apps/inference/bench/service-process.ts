import { readFileSync } from 'node:fs';
import { startNodeService, type RunningNodeService } from '@ai/local-stack';
import { REQUEST_STAGES, type RequestStage } from '@ai/model-runtime';
import { runLoadInChild, type LoadBody, type LoadResult } from './load-generator';

/** Load before each measured point, untimed: JIT, caches and every instance warmed up by real requests. */
export const WARMUP_SECONDS = 2;

/** The built service, as production runs it: `node dist/apps/inference/main.js`. */
export const BUILT_SERVICE = 'dist/apps/inference/main.js';

/** One closed-loop run against the service, with what the service itself spent on it. */
export interface ServicePoint extends LoadResult {
  /** CPU time of the whole service process (every thread: HTTP, decoding, onnxruntime) per request, ms. */
  serverCpuMsPerRequest: number;
  /** Mean time per request in each stage, from `inference_stage_seconds`, ms. */
  stages: Partial<Record<RequestStage, number>>;
  /** Mean rows per session.run, from `inference_batch_size`. */
  meanBatchSize: number;
}

/** User plus system CPU time of a process so far, in ms (from /proc; Linux only). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

interface StageTotals {
  sums: Map<string, number>;
  counts: Map<string, number>;
  batchSum: number;
  batchCount: number;
}

async function scrape(url: string): Promise<StageTotals> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sums = new Map<string, number>();
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/^inference_stage_seconds_(sum|count)\{[^}]*stage="([a-z0-9]+)"[^}]*\} ([0-9.e+-]+)$/gm)) {
    (match[1] === 'sum' ? sums : counts).set(match[2], Number(match[3]));
  }
  const batchSum = Number(/^inference_batch_size_sum\{[^}]*\} ([0-9.e+-]+)$/m.exec(text)?.[1] ?? 0);
  const batchCount = Number(/^inference_batch_size_count\{[^}]*\} ([0-9.e+-]+)$/m.exec(text)?.[1] ?? 0);
  return { sums, counts, batchSum, batchCount };
}

/** A started service process and the closed-loop runs against it. */
export class ServiceUnderTest {
  private constructor(readonly service: RunningNodeService) {}

  /** Starts `entry` (the built service by default) with `env` and waits until it is ready. */
  static async start(env: Record<string, string>, entry = BUILT_SERVICE): Promise<ServiceUnderTest> {
    // The service's own defaults, LOG_LEVEL (info: an access log line per request) included.
    const service = await startNodeService({ name: 'inference', entry, env: { LOG_LEVEL: 'info', ...env }, readyPath: '/readyz', readyTimeoutMs: 180_000 });
    return new ServiceUnderTest(service);
  }

  /** `connections` closed-loop clients from a process of their own, for `seconds` after {@link WARMUP_SECONDS}. */
  async load(path: string, bodies: LoadBody[], connections: number, seconds: number): Promise<ServicePoint> {
    const pid = this.service.process.pid;
    if (pid === undefined) throw new Error('the service has no pid');
    // The warm-up runs first on its own, so that the CPU and stage counters cover the measured requests only.
    await runLoadInChild({ host: '127.0.0.1', port: this.service.port, path, bodies, connections, seconds: WARMUP_SECONDS, warmupSeconds: 0 });
    const before = await scrape(this.service.url);
    const cpuBefore = processCpuMs(pid);
    const result = await runLoadInChild({ host: '127.0.0.1', port: this.service.port, path, bodies, connections, seconds, warmupSeconds: 0 });
    const cpuAfter = processCpuMs(pid);
    const after = await scrape(this.service.url);
    const failures = Object.entries(result.failures);
    if (failures.length > 0) throw new Error(`POST ${path} answered ${failures.map(([s, n]) => `${n} × ${s}`).join(', ')}: ${result.firstFailure}`);
    const stages: Partial<Record<RequestStage, number>> = {};
    for (const stage of REQUEST_STAGES) {
      const count = (after.counts.get(stage) ?? 0) - (before.counts.get(stage) ?? 0);
      if (count > 0) stages[stage] = (((after.sums.get(stage) ?? 0) - (before.sums.get(stage) ?? 0)) / count) * 1000;
    }
    const runs = after.batchCount - before.batchCount;
    // The two scrapes are requests too, but /metrics costs microseconds against the thousands measured.
    return {
      ...result,
      serverCpuMsPerRequest: (cpuAfter - cpuBefore) / Math.max(1, result.requests),
      stages,
      meanBatchSize: runs > 0 ? (after.batchSum - before.batchSum) / runs : NaN,
    };
  }

  async stop(): Promise<void> {
    await this.service.stop();
  }
}
