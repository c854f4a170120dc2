import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNodeService, WORKSPACE_ROOT } from '@ai/local-stack';
import { recordReport } from '../support/fault-report';
import { LOAD_TESTER_ENTRY, Stack } from '../support/stack';

const PEAK_HOURS = join(WORKSPACE_ROOT, 'workloads/peak-hours.txt');
const IMAGES = join(WORKSPACE_ROOT, 'workloads/images');
const BLOCKER = join(__dirname, '../support/block-event-loop.js');

interface ScheduleSummary {
  generatorLimited: boolean;
  generatorLimitedReasons: string[];
  lateSends: number;
  latenessMs: { count: number; p50: number; p99: number; max: number };
  maxRateErrorPct: number;
}

/** Runs `load-tester run` as a real process and returns its exit code, terminal output and summary.json. */
async function runLoadTester(args: string[], env: Record<string, string> = {}) {
  const out = mkdtempSync(join(tmpdir(), 'generator-limited-'));
  try {
    const tester = await startNodeService({
      name: 'load-tester run',
      entry: LOAD_TESTER_ENTRY,
      args: ['run', '--workload', PEAK_HOURS, '--images', IMAGES, '--out', out, '--progress', 'false', ...args],
      env,
      readyPath: null,
    });
    const exitCode = await tester.exited;
    const [dir] = readdirSync(out);
    const summary = JSON.parse(readFileSync(join(out, dir, 'summary.json'), 'utf8')) as { counts: Record<string, number>; schedule: ScheduleSummary };
    return { exitCode, output: tester.output(), summary };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * GENERATOR-LIMITED must tell the truth: README's main job (peak-hours, 17.5 requests/s on average, with the
 * whole stack on the same cores) keeps its schedule and is not flagged; a tester whose event loop is blocked for
 * 200 ms at the workload's peak (30 requests/s, a send due every 33 ms) fell behind and is flagged.
 */
describe('GENERATOR-LIMITED on real load tester processes', () => {
  it('the main job (peak-hours, embedded stack) is not flagged; its send lateness is reported as information', async () => {
    const loadBefore = loadavg()[0];
    const { exitCode, output, summary } = await runLoadTester([]);
    const loadAfter = loadavg()[0];
    // The claim holds on an idle machine: on one whose cores are oversubscribed by other work, the tester may truly
    // not get the CPU in time, and then the flag is the truth. SYSTEM_TESTS_ASSUME_IDLE=1 asserts regardless.
    const idle = process.env.SYSTEM_TESTS_ASSUME_IDLE === '1' || Math.max(loadBefore, loadAfter) <= cpus().length;
    recordReport('generator-main-job', {
      workload: 'peak-hours',
      embedded: true,
      idle,
      loadAverage1m: { before: loadBefore, after: loadAfter },
      cores: cpus().length,
      counts: summary.counts,
      schedule: summary.schedule,
    });
    expect({ exitCode, output }).toMatchObject({ exitCode: 0 });
    expect(summary.counts).toMatchObject({ scheduled: 175, sent: 175, completed: 175 });
    expect(summary.schedule.latenessMs.count).toBe(175);
    if (!idle) {
      console.warn(`machine busy (load average ${loadBefore} → ${loadAfter} on ${cpus().length} cores): not asserting that the main job is unflagged`);
      // Even so, a flag must rest on a measured failure, never on lateness alone.
      if (summary.schedule.generatorLimited) expect(summary.schedule.lateSends / 175 > 0.01 || summary.schedule.maxRateErrorPct > 2).toBe(true);
      return;
    }
    expect(summary.schedule.generatorLimitedReasons).toEqual([]);
    expect(summary.schedule.generatorLimited).toBe(false);
    expect(output).not.toContain('GENERATOR-LIMITED');
    expect(output).toMatch(/lateness p50 .* p99 .* max .*\(schedule kept\)/);
  });

  describe('against a running stack', () => {
    let stack: Stack;
    beforeAll(async () => {
      stack = await Stack.start();
    });
    afterAll(async () => {
      await stack?.dispose();
    });

    it('a tester whose event loop is blocked for 200 ms at the peak is flagged', async () => {
      const { output, summary } = await runLoadTester(['--target', stack.dispatcherUrl], {
        NODE_OPTIONS: `--require ${BLOCKER}`,
        BLOCK_EVENT_LOOP_MS: '200',
        BLOCK_EVENT_LOOP_AFTER_MS: '4500',
      });
      recordReport('generator-blocked-200ms', { workload: 'peak-hours', block: '200 ms at 4.5 s', counts: summary.counts, schedule: summary.schedule });
      expect(output).toContain('[block-event-loop] blocked the event loop for 200 ms');
      expect(summary.counts).toMatchObject({ scheduled: 175, sent: 175 });
      expect(summary.schedule.generatorLimited).toBe(true);
      expect(summary.schedule.lateSends).toBeGreaterThanOrEqual(3);
      expect(summary.schedule.latenessMs.max).toBeGreaterThan(150);
      expect(output).toContain('GENERATOR-LIMITED:');
    });
  });
});
