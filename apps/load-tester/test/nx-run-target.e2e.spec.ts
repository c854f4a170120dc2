/**
 * `npx nx run load-tester:run` the way CI runs it: no terminal, stdout and stderr piped. What the tester says about a
 * failed run has to reach the captured log, not only a terminal.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';

interface NxRun {
  code: number | null;
  /** stdout and stderr as they arrived, interleaved: what a CI log holds. */
  log: string;
}

function nxRun(args: string[]): Promise<NxRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['nx', 'run', 'load-tester:run', ...args], {
      cwd: WORKSPACE_ROOT,
      env: { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, log }));
  });
}

describe('nx run load-tester:run without a terminal', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lt-nx-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the workload error with its line and column in the log, and passes --workload once', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '1,x\n');
    const { code, log } = await nxRun([`--workload=${bad}`]);
    expect(code).not.toBe(0);
    expect(log).toContain(`${bad}:1:3: expected a non-negative whole number of requests per second, found "x"`);
    const command = log.split('\n').find((line) => line.includes('dist/apps/load-tester/main.js run'));
    expect(command?.match(/--workload/g)).toHaveLength(1);
  }, 300_000);

  it('puts the summary of a run that misses its --slo-p99 in the log, and fails', async () => {
    const workload = join(dir, 'one.txt');
    writeFileSync(workload, '1\n');
    const { code, log } = await nxRun([`--workload=${workload}`, '--slo-p99=0.000001', '--max-images=1', '--collect=sync', `--out=${join(dir, 'reports')}`]);
    expect({ code, missed: /SLO\s+MISSED: p99 [\d.]+ s is above the SLO of 0\.000001 s/.test(log) }).toEqual({ code: 1, missed: true });
    expect(log).toMatch(/Requests\s+scheduled 1\s+completed 1/);
  }, 300_000);
});
