import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, WORKSPACE_ROOT, type RunningNodeService } from '@ai/local-stack';
import { FUZZ_CASES, FUZZ_TEST_TIMEOUT_MS, fuzzApp } from '../support/fuzz-app';
import { loadTesterTargets } from '../support/load-tester-fuzz-targets';
import { startLoadTesterServer } from '../support/load-tester-process';

/** Stated bound: RSS after a fuzz run ≤ RSS before + this. */
const RSS_GROWTH_BOUND_MB = 150;
/** The server's JSON limit (2 MiB, fixed in its code). */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

/** Every endpoint of the load tester's server mode, 10,000 cases. */
describe('load tester server under fuzzed input', () => {
  let service: RunningNodeService;

  afterAll(async () => {
    await service?.stop('SIGKILL');
  });

  it(
    'answers every case with a valid result or a 4xx JSON error, stays up, and keeps memory bounded',
    async () => {
      const dir = join(WORKSPACE_ROOT, 'tmp', 'system-tests', 'load-tester');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'workload.txt'), '1\n');
      service = await startLoadTesterServer({
        // Runs go to an address nobody listens on: they end within a second or two.
        TARGET_URL: `http://127.0.0.1:${await freePort()}`,
        WORKLOAD_FILE: join(dir, 'workload.txt'),
        REPORTS_DIR: join(dir, 'reports'),
        TIMEOUT_SECONDS: '1',
        COLLECT: 'poll',
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      });
      const report = await fuzzApp('load-tester', [{ service, targets: loadTesterTargets(), share: 1, livePath: '/health' }], BODY_LIMIT_BYTES);

      expect(report.cases).toBeGreaterThanOrEqual(FUZZ_CASES);
      expect(report.violations).toEqual([]);
      expect(report.valid).toBeGreaterThan(0);
      expect(report.processes[0].stillUp).toBe(true);
      expect(report.processes[0].rssAfterMb).toBeLessThanOrEqual(report.processes[0].rssBeforeMb + RSS_GROWTH_BOUND_MB);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
