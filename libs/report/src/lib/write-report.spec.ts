import http from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient } from '@ai/http-client';
import { runLoad, type LoadRunResult } from '@ai/workload';
import type { SystemSample } from './report-input';
import { RequestCsvWriter } from './request-csv-writer';
import { sloVerdict } from './run-summary';
import { createReportDirectory, writeReport } from './write-report';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('writeReport', () => {
  let root: string;
  let dir: string;
  let run: LoadRunResult;
  let csvRows: number;
  const samples: SystemSample[] = [0, 1, 2, 3].map((t) => ({ t, queueDepth: t * 3, active: 2, replicas: { inference: t < 2 ? 1 : 2 } }));

  beforeAll(async () => {
    // A real run against a real server: every 7th request fails with 503, every 11th is never answered.
    let n = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      n += 1;
      if (n % 11 === 0) return;
      res.statusCode = n % 7 === 0 ? 503 : 200;
      setTimeout(() => res.end('{}'), n % 5);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const sender = new HttpClient();
    root = mkdtempSync(join(tmpdir(), 'report-'));
    dir = createReportDirectory(root, new Date('2026-01-02T03:04:05.678Z'));
    const csv = new RequestCsvWriter(join(dir, 'requests.csv'));
    run = await runLoad({
      rates: [10, 30, 20],
      timeoutMs: 400,
      execute: async (_r, signal) => {
        const answer = await sender.postJson(url, [Buffer.from('{}')], signal);
        return answer.status === 200 ? { outcome: 'completed', queueWaitMs: 1, inferenceMs: 2 } : { outcome: 'failed', reason: `http_${answer.status}` };
      },
      onRecord: (record) => csv.write(record),
    });
    await csv.close();
    csvRows = csv.rows;
    sender.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  afterAll(() => {
    if (!process.env.KEEP_REPORT) rmSync(root, { recursive: true, force: true });
    else console.log(root);
  });

  it('writes summary, CSV, PNGs and HTML that agree with the run', async () => {
    const written = await writeReport(dir, {
      run,
      samples,
      slo: { p99Seconds: 10, maxErrorRate: 0.01 },
      description: {
        target: 'http://x',
        model: 'digits-cnn',
        workloadFile: 'w.txt',
        arrivals: 'uniform',
        collect: 'callback',
        timeoutMs: 400,
        startedAt: new Date(),
      },
    });
    expect(dir.endsWith('2026-01-02T03-04-05-678Z')).toBe(true);
    const summary = JSON.parse(readFileSync(written.files.summary, 'utf8'));
    const { scheduled, completed, failed, timedOut, notSent } = summary.counts;
    expect(scheduled).toBe(60);
    expect(completed + failed + timedOut + notSent).toBe(60);
    expect(failed).toBeGreaterThan(0);
    expect(timedOut).toBeGreaterThan(0);

    const lines = readFileSync(join(dir, 'requests.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toContain('seq,second,intendedMs');
    expect(lines.length - 1).toBe(scheduled);
    expect(csvRows).toBe(scheduled);
    const outcomes = lines.slice(1).map((line) => line.split(',')[5]);
    expect(outcomes.filter((o) => o === 'completed')).toHaveLength(completed);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(failed);
    expect(outcomes.filter((o) => o === 'timedOut')).toHaveLength(timedOut);
    expect(summary.failuresByReason).toEqual({ http_503: failed });
    const sum = (key: string) => summary.perSecond.reduce((total: number, row: Record<string, number>) => total + row[key], 0);
    expect([sum('target'), sum('sent'), sum('completed'), sum('failed'), sum('timedOut')]).toEqual([60, 60, completed, failed, timedOut]);
    expect(summary.latencyMs.e2e.count).toBe(completed + timedOut);
    expect(summary.latencyMs.e2e.max).toBeGreaterThanOrEqual(400);
    expect(summary.errorRate).toBeCloseTo((failed + timedOut) / 60, 4);
    expect(summary.slo.passed).toBe(false);
    expect(summary.slo.violations[0]).toContain('error rate');

    const pngs = readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort();
    expect(pngs).toEqual(['latency-distribution.png', 'latency-over-time.png', 'outcomes.png', 'queue-depth.png', 'replicas.png', 'throughput.png']);
    for (const png of pngs) expect(readFileSync(join(dir, png)).subarray(0, 8)).toEqual(PNG_SIGNATURE);

    const html = readFileSync(written.files.html, 'utf8');
    expect(html.match(/<svg/g)).toHaveLength(pngs.length);
    // Self-contained: nothing to fetch when opened offline.
    expect(html).not.toMatch(/<script|(src|href)=["']https?:|@import|url\(/);
    expect(html).toContain('SLO missed');
    expect(html).toContain(`<td>${completed}</td>`);
  });

  it('leaves out queue-depth and replica charts when nothing was sampled', async () => {
    const bare = join(root, 'bare');
    const written = await writeReport(bare, {
      run,
      samples: [],
      slo: {},
      description: { target: 't', model: 'm', workloadFile: 'w', arrivals: 'poisson', collect: 'sync', timeoutMs: 400, startedAt: new Date() },
    });
    expect(written.files.pngs.map((p) => p.split('/').pop())).toEqual(['latency-distribution.png', 'latency-over-time.png', 'throughput.png', 'outcomes.png']);
    expect(written.summary.slo).toEqual({ passed: true, violations: [] });
  });
});

describe('sloVerdict', () => {
  it('fails a p99 above the limit and passes one below it', () => {
    expect(sloVerdict({ p99Seconds: 0.5 }, 600, 0, 10).passed).toBe(false);
    expect(sloVerdict({ p99Seconds: 0.5 }, 400, 0, 10).passed).toBe(true);
    expect(sloVerdict({ maxErrorRate: 0 }, 1, 0, 0).violations).toEqual(['no request was sent']);
  });
});
