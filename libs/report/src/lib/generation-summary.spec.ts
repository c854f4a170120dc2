import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, type LoadRunResult } from '@ai/workload';
import type { ReportInput } from './report-input';
import { writeReport } from './write-report';

const description: ReportInput['description'] = {
  target: 'http://x',
  model: 'tiny-lm',
  workloadFile: 'w.txt',
  arrivals: 'uniform',
  collect: 'callback',
  timeoutMs: 2_000,
  startedAt: new Date(),
};

/** A run of 12 requests whose results carry `tokens` (request seq generates seq + 1 tokens), except every 5th, which fails. */
async function generationRun(withTokens: boolean): Promise<LoadRunResult> {
  return runLoad({
    rates: [6, 6],
    timeoutMs: 2_000,
    execute: async (request) => {
      await sleep(5);
      if (request.seq % 5 === 4) return { outcome: 'failed', reason: 'job_failed', tokens: 99 };
      return { outcome: 'completed', inferenceMs: 3, ...(withTokens && { tokens: request.seq + 1 }) };
    },
  });
}

describe('tokens in the report', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'report-tokens-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('counts the tokens of completed requests only, overall, per second and as tokens/s over the run', async () => {
    const run = await generationRun(true);
    // Completed seqs are 0..11 without 4 and 9: tokens 1..12 without 5 and 10.
    const expected = 78 - 5 - 10;
    const written = await writeReport(join(root, 'lm'), { run, samples: [], slo: {}, description });
    const summary = JSON.parse(readFileSync(written.files.summary, 'utf8'));
    expect(summary.generation).toMatchObject({ tokens: expected, requests: 10, meanTokensPerRequest: 6.3 });
    expect(summary.generation.tokensPerSecond).toBeCloseTo(expected / summary.durationSeconds, 1);
    expect(summary.generation.peakTokensPerSecond).toBeGreaterThan(0);
    expect(summary.perSecond.reduce((total: number, row: { tokens: number }) => total + row.tokens, 0)).toBe(expected);
    const html = readFileSync(written.files.html, 'utf8');
    expect(html).toContain(`<td>${expected} (6.3)</td>`);
    expect(html).toContain('tokens/s');
  });

  it('has no generation figures when no result carried tokens', async () => {
    const run = await generationRun(false);
    const written = await writeReport(join(root, 'classifier'), { run, samples: [], slo: {}, description: { ...description, model: 'digits-cnn' } });
    expect(written.summary.generation).toBeUndefined();
    expect(written.summary.perSecond.every((row) => row.tokens === undefined)).toBe(true);
    expect(readFileSync(written.files.html, 'utf8')).not.toContain('tokens/s');
  });
});
