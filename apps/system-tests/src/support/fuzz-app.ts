import type { RunningNodeService } from '@ai/local-stack';
import { recordReport } from './fault-report';
import { fuzzCases, type FuzzTarget } from './fuzz-cases';
import { runFuzz, type FuzzRunOptions, type FuzzRunResult } from './fuzz-runner';
import { megabytes, sampleProcess } from './process-stats';

/** Cases per app (RELIABILITY.md states at least 10,000). FUZZ_CASES changes it, FUZZ_SEED replays another run. */
export const FUZZ_CASES = Number(process.env.FUZZ_CASES ?? 10_000);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_260_701);
/** One app's run takes ~30-150 s on a busy 2-core machine; the jest default would cut it short. */
export const FUZZ_TEST_TIMEOUT_MS = 600_000;

export interface FuzzedService {
  service: RunningNodeService;
  targets: FuzzTarget[];
  /** Share of the app's cases sent to this service. */
  share: number;
  /** Path that must still answer 2xx after the run. */
  livePath: string;
  acceptable5xx?: FuzzRunOptions['acceptable5xx'];
}

export interface AppFuzzReport {
  app: string;
  seed: number;
  cases: number;
  valid: number;
  clientErrors: number;
  violationCount: number;
  byStatus: Record<string, number>;
  byEndpoint: Record<string, number>;
  msByEndpoint: Record<string, number>;
  durationMs: number;
  /** Per process: RSS before (after a warm-up) and after the run, and whether it still answered. */
  processes: { name: string; rssBeforeMb: number; rssAfterMb: number; growthMb: number; stillUp: boolean; exitOutput?: string }[];
  violations: FuzzRunResult['violations'];
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(10_000) })).ok;
  } catch {
    return false;
  }
}

/**
 * Fuzzes every endpoint of one app (one or more of its processes): a warm-up, RSS before, the seeded cases
 * over keep-alive connections, then liveness and RSS after. Records tmp/reliability/fuzz-<app>.json.
 */
export async function fuzzApp(app: string, services: FuzzedService[], oversizeBytes: number): Promise<AppFuzzReport> {
  const report: AppFuzzReport = {
    app,
    seed: FUZZ_SEED,
    cases: 0,
    valid: 0,
    clientErrors: 0,
    violationCount: 0,
    byStatus: {},
    byEndpoint: {},
    msByEndpoint: {},
    durationMs: 0,
    processes: [],
    violations: [],
  };
  for (const [index, fuzzed] of services.entries()) {
    const pid = fuzzed.service.process.pid ?? 0;
    const count = Math.ceil(FUZZ_CASES * fuzzed.share);
    // Warm-up: the first requests load code paths and grow the heap once; measure RSS after them.
    await runFuzz(fuzzCases(fuzzed.targets, 300, FUZZ_SEED + 1_000 + index, oversizeBytes), {
      baseUrl: fuzzed.service.url,
      acceptable5xx: fuzzed.acceptable5xx,
    });
    const before = sampleProcess(pid);
    const died = () => fuzzed.service.process.exitCode !== null || fuzzed.service.process.signalCode !== null;
    const result = await runFuzz(fuzzCases(fuzzed.targets, count, FUZZ_SEED + index, oversizeBytes), {
      baseUrl: fuzzed.service.url,
      acceptable5xx: fuzzed.acceptable5xx,
      abortWhen: died,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = sampleProcess(pid);
    const stillUp = fuzzed.service.process.exitCode === null && (await answers(fuzzed.service.url + fuzzed.livePath));
    report.cases += result.cases;
    report.valid += result.valid;
    report.clientErrors += result.clientErrors;
    report.violationCount += result.violationCount;
    report.durationMs += result.durationMs;
    report.violations.push(...result.violations);
    for (const [key, value] of Object.entries(result.byStatus)) report.byStatus[key] = (report.byStatus[key] ?? 0) + value;
    for (const [key, value] of Object.entries(result.byEndpoint)) report.byEndpoint[key] = (report.byEndpoint[key] ?? 0) + value;
    for (const [key, value] of Object.entries(result.msByEndpoint)) report.msByEndpoint[key] = (report.msByEndpoint[key] ?? 0) + value;
    const rssBeforeMb = megabytes(before?.rssBytes ?? 0);
    const rssAfterMb = megabytes(after?.rssBytes ?? 0);
    report.processes.push({
      name: fuzzed.service.name,
      rssBeforeMb,
      rssAfterMb,
      growthMb: Math.round((rssAfterMb - rssBeforeMb) * 10) / 10,
      stillUp,
      // Why it died, when it did: the last lines it wrote.
      ...(!stillUp && { exitOutput: `exit ${fuzzed.service.process.exitCode ?? fuzzed.service.process.signalCode}: ${fuzzed.service.output().slice(-3_000)}` }),
    });
  }
  recordReport(`fuzz-${app}`, report);
  return report;
}
