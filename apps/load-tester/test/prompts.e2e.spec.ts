import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { createLogger } from '@ai/observability';
import { parseRunArgs } from '../src/cli-args';
import { cliRun, EXIT } from '../src/cli-run';
import { parseLoadTesterConfig } from '../src/config';

describe('load-tester run with a prompt pool (embedded stack serving tiny-lm)', () => {
  let out: string;
  beforeAll(() => (out = mkdtempSync(join(tmpdir(), 'lt-prompts-'))));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('generates text for every smoke request and reports tokens and tokens/s beside latency', async () => {
    expect(existsSync(join(WORKSPACE_ROOT, 'models/tiny-lm/1/model.onnx'))).toBe(true);
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const maxNewTokens = 16;
    const args = parseRunArgs([
      '--workload',
      join(WORKSPACE_ROOT, 'workloads/smoke.txt'),
      '--prompts',
      join(WORKSPACE_ROOT, 'workloads/prompts.txt'),
      '--max-new-tokens',
      String(maxNewTokens),
      '--out',
      out,
      '--max-error-rate',
      '0',
      '--progress',
      'false',
    ]);
    expect(args.model).toBe('tiny-lm');
    const { exitCode, reportDir } = await cliRun({
      args,
      config: parseLoadTesterConfig({}),
      logger: createLogger({ service: 'load-tester-test', level: 'error' }),
      out: stream,
    });
    expect({ exitCode, text }).toMatchObject({ exitCode: EXIT.ok });
    expect(text).toContain('starting inference (tiny-lm)');

    const summary = JSON.parse(readFileSync(join(reportDir!, 'summary.json'), 'utf8'));
    expect(summary.model).toBe('tiny-lm');
    expect(summary.counts).toEqual({ scheduled: 18, sent: 18, completed: 18, failed: 0, timedOut: 0, notSent: 0 });
    expect(summary.latencyMs.inference.count).toBe(18);
    // The model may stop early (end of text), never beyond the request's budget.
    expect(summary.generation.requests).toBe(18);
    expect(summary.generation.tokens).toBeGreaterThan(0);
    expect(summary.generation.tokens).toBeLessThanOrEqual(18 * maxNewTokens);
    expect(summary.generation.tokensPerSecond).toBeGreaterThan(0);
    expect(summary.perSecond.reduce((total: number, row: { tokens: number }) => total + row.tokens, 0)).toBe(summary.generation.tokens);
    expect(text).toMatch(/Tokens +\d+ generated .* tokens\/s/);
    expect(readFileSync(join(reportDir!, 'report.html'), 'utf8')).toContain('tokens/s');
    const rows = readFileSync(join(reportDir!, 'requests.csv'), 'utf8').trim().split('\n');
    expect(rows[0].split(',').at(-1)).toBe('tokens');
    expect(rows.slice(1).every((row) => Number(row.split(',').at(-1)) > 0 && row.split(',')[8].startsWith('tiny-lm:'))).toBe(true);
  });
});
