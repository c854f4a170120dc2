import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { createLogger } from '@ai/observability';
import { parseRunArgs } from '../src/cli-args';
import { cliRun, EXIT } from '../src/cli-run';
import { parseLoadTesterConfig } from '../src/config';

const modelDir = join(WORKSPACE_ROOT, 'models', 'digits-cnn');
const hasDigitsCnn = existsSync(modelDir) && readdirSync(modelDir).some((v) => existsSync(join(modelDir, v, 'model.onnx')));

describe('load-tester run without --target (embedded stack)', () => {
  let out: string;
  let model = 'digits-cnn';
  const savedRepository = process.env.MODEL_REPOSITORY;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'lt-e2e-'));
    if (!hasDigitsCnn) {
      // Without the trained digits model (a clone before `npm run train`), serve the models project's
      // generated image classifier instead: still a real onnxruntime session behind real services.
      const built = spawnSync(
        process.execPath,
        ['--require', 'tsx/cjs', 'models/training/src/build-bench-model.ts', '--out', join(out, 'models'), '--width', '0.35'],
        {
          cwd: WORKSPACE_ROOT,
          env: { ...process.env, TSX_TSCONFIG_PATH: join(WORKSPACE_ROOT, 'tsconfig.base.json') },
          encoding: 'utf8',
        },
      );
      if (built.status !== 0) throw new Error(`cannot build a model to serve: ${built.stderr}`);
      model = readdirSync(join(out, 'models'))[0];
      process.env.MODEL_REPOSITORY = join(out, 'models');
    }
  });
  afterAll(() => {
    if (savedRepository === undefined) delete process.env.MODEL_REPOSITORY;
    else process.env.MODEL_REPOSITORY = savedRepository;
    rmSync(out, { recursive: true, force: true });
  });

  it('starts redis-server, inference and dispatcher, completes every smoke request, writes a consistent report and stops them all', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const args = parseRunArgs([
      '--workload',
      join(WORKSPACE_ROOT, 'workloads/smoke.txt'),
      '--images',
      join(WORKSPACE_ROOT, 'workloads/images'),
      '--out',
      out,
      '--model',
      model,
      '--slo-p99',
      '30',
      '--max-error-rate',
      '0',
    ]);
    const { exitCode, reportDir } = await cliRun({
      args,
      config: parseLoadTesterConfig({}),
      logger: createLogger({ service: 'load-tester-test', level: 'error' }),
      out: stream,
    });
    expect({ exitCode, text }).toMatchObject({ exitCode: EXIT.ok });

    const summary = JSON.parse(readFileSync(join(reportDir!, 'summary.json'), 'utf8'));
    expect(summary.counts).toEqual({ scheduled: 18, sent: 18, completed: 18, failed: 0, timedOut: 0, notSent: 0 });
    expect(summary.latencyMs.e2e.count).toBe(18);
    expect(summary.latencyMs.queueWait.count).toBe(18);
    expect(summary.latencyMs.inference.count).toBe(18);
    expect(summary.slo.passed).toBe(true);
    const rows = readFileSync(join(reportDir!, 'requests.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows).toHaveLength(18);
    expect(rows.every((row) => row.split(',')[5] === 'completed' && row.split(',')[8].startsWith(`${model}:`))).toBe(true);
    expect(existsSync(join(reportDir!, 'queue-depth.png'))).toBe(true);
    expect(readFileSync(join(reportDir!, 'report.html'), 'utf8')).toContain('SLO met');

    // Everything it started is gone: the dispatcher's port no longer answers.
    const target = String(summary.target).split(' ')[0];
    await expect(fetch(`${target}/health`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
  });
});
