import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { createLogger } from '@ai/observability';
import { parseRunArgs } from '../src/cli-args';
import { cliRun, EXIT } from '../src/cli-run';
import { parseLoadTesterConfig } from '../src/config';
import { startFakeDispatcher, type FakeDispatcher } from './fake-dispatcher';

const logger = createLogger({ service: 'load-tester-test', level: 'error' });
const config = parseLoadTesterConfig({});
const images = join(WORKSPACE_ROOT, 'workloads/images');

async function runCli(argv: string[], runConfig = config) {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const result = await cliRun({ args: parseRunArgs(argv), config: runConfig, logger, out });
  return { ...result, text };
}

describe('parseRunArgs', () => {
  it('reads kebab-case and the camelCase copies Nx forwards, and names a bad option', () => {
    const args = parseRunArgs(['--workload', 'w.txt', '--slo-p99=0.5', '--maxImages', '7', '--collect', 'poll']);
    expect(args).toMatchObject({ workload: 'w.txt', 'slo-p99': 0.5, 'max-images': 7, collect: 'poll', model: 'digits-cnn', timeout: 60 });
    expect(() => parseRunArgs(['--workload', 'w', '--collect', 'carrier-pigeon'])).toThrow(/^--collect:/);
    expect(() => parseRunArgs(['--workload', 'w', '--bogus', '1'])).toThrow('--bogus: unknown option');
    expect(parseRunArgs([]).workload).toBe('workloads/peak-hours.txt');
    expect(() => parseRunArgs(['--workload', ''])).toThrow(/^--workload:/);
  });
});

describe('load-tester run against a dispatcher', () => {
  let dispatcher: FakeDispatcher;
  let dir: string;
  let workload: string;

  beforeAll(async () => {
    dispatcher = await startFakeDispatcher({ failRefs: new Set(['3']) });
    dir = mkdtempSync(join(tmpdir(), 'lt-cli-'));
    workload = join(dir, 'w.txt');
    writeFileSync(workload, '# two seconds\n3,3\n');
  });

  afterAll(async () => {
    await dispatcher.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['poll', 'sync', 'callback'])('collects results by %s with the job timings, and counts the failed job by reason', async (collect) => {
    const { exitCode, reportDir, text } = await runCli([
      '--workload',
      workload,
      '--target',
      dispatcher.url,
      '--images',
      images,
      '--out',
      dir,
      '--collect',
      collect,
      '--timeout',
      '5',
    ]);
    expect(exitCode).toBe(EXIT.ok);
    const summary = JSON.parse(readFileSync(join(reportDir!, 'summary.json'), 'utf8'));
    expect(summary.collect).toBe(collect);
    expect(summary.counts).toMatchObject({ scheduled: 6, completed: 5, failed: 1, timedOut: 0, notSent: 0 });
    expect(Object.keys(summary.failuresByReason)).toHaveLength(1);
    expect(Object.keys(summary.failuresByReason)[0]).toMatch(/^(job_failed|infer_502)/);
    expect(summary.latencyMs.inference.count).toBe(5);
    // From the intended send time: no result can come sooner than the fake's 202 (10 ms), and the slow half of the
    // jobs take its full 20 ms. (A tighter bound on the median depends on timers on a busy machine.)
    expect(summary.latencyMs.e2e.p50).toBeGreaterThanOrEqual(10);
    expect(summary.latencyMs.e2e.max).toBeGreaterThanOrEqual(20);
    expect(text).toContain('completed 5');
  });

  it('exits 1 when the p99 SLO or the error-rate limit is missed, 0 when both are met', async () => {
    const base = ['--workload', workload, '--target', dispatcher.url, '--images', images, '--out', dir, '--collect', 'callback'];
    const missed = await runCli([...base, '--slo-p99', '0.001']);
    expect(missed.exitCode).toBe(EXIT.sloMissed);
    expect(missed.text).toMatch(/SLO +MISSED: p99/);
    expect((await runCli([...base, '--max-error-rate', '0.1'])).exitCode).toBe(EXIT.sloMissed);
    expect((await runCli([...base, '--max-error-rate', '0.2', '--slo-p99', '10'])).exitCode).toBe(EXIT.ok);
  });

  it('exits 2 naming the model and its task when the load tester cannot drive it, and runs it with --images', async () => {
    const withRepository = parseLoadTesterConfig({ MODEL_REPOSITORY: join(WORKSPACE_ROOT, 'models') });
    const base = ['--workload', workload, '--target', dispatcher.url, '--model', 'digits-mlp', '--out', dir, '--collect', 'poll'];
    const refused = await runCli(base, withRepository);
    expect(refused.exitCode).toBe(EXIT.usage);
    expect(refused.text).toContain('model "digits-mlp" is tabular-classification');
    expect(refused.text).toContain('--images DIR or --prompts FILE');
    expect((await runCli([...base, '--images', images], withRepository)).exitCode).toBe(EXIT.ok);
  });

  it('exits 2 with the line and column of a bad workload', async () => {
    writeFileSync(join(dir, 'bad.txt'), '1\n2;3\n');
    const { exitCode, text } = await runCli(['--workload', join(dir, 'bad.txt'), '--target', dispatcher.url, '--images', images]);
    expect(exitCode).toBe(EXIT.usage);
    expect(text).toContain('bad.txt:2:1');
  });
});
