import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import { faultTable, fuzzTable, readRecordedReports, recordedOnLine } from '../support/reliability-doc';

const machine = { cpu: 'Test CPU', cores: 2, loadAverage1m: 1.5 };

describe('the tables of RELIABILITY.md, written from the recorded reports', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'reliability-'));
    const write = (name: string, report: object) => writeFileSync(join(dir, `${name}.json`), JSON.stringify(report));
    write('fault-b', {
      fault: 'b | piped',
      accepted: 1200,
      completed: 1199,
      failed: 1,
      lost: 0,
      recoveryMs: 2500,
      details: { retried: 3, nested: { x: 1 }, ok: true },
      recordedAt: '2026-12-03T15:44:00.000Z',
      machine,
    });
    write('fault-a', { fault: 'a', accepted: 1, completed: 1, failed: 0, lost: 0, recoveryMs: 35, recordedAt: '2026-12-03T15:41:00.000Z', machine });
    write('fuzz-x', {
      app: 'x',
      cases: 10,
      valid: 4,
      clientErrors: 6,
      violationCount: 0,
      byStatus: { '400': 6, '200': 4 },
      processes: [{ name: 'x', rssBeforeMb: 100, rssAfterMb: 120.25, stillUp: true }],
      durationMs: 9_600,
      recordedAt: '2026-12-03T15:45:00.000Z',
      machine: { ...machine, loadAverage1m: 3 },
    });
    write('soak', { ignored: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has one row per fault, in file order, with scalar details and escaped cells', () => {
    const rows = faultTable(readRecordedReports(dir).faults);
    expect(rows.slice(2)).toEqual(['| a | 1 | 1 | 0 | **0** | 35 ms |  |', '| b \\| piped | 1,200 | 1,199 | 1 | **0** | 2.5 s | `retried` 3, `ok` true |']);
  });

  it('has one row per fuzzed app with its answers by status and its memory', () => {
    expect(fuzzTable(readRecordedReports(dir).fuzz).slice(2)).toEqual(['| x | 10 | 4 | 6 | **0** | 200 × 4, 400 × 6 | x 100.0 → 120.3 MB | 10 s |']);
  });

  it('says when, where and under what load the reports were recorded', () => {
    expect(recordedOnLine(readRecordedReports(dir).all)).toBe(
      'Recorded by `npx nx test system-tests` between 2026-12-03 15:41 and 15:45 UTC on Test CPU, 2 cores (load average 1.5 to 3 while they ran); written here by `npx nx run system-tests:reliability-doc`.',
    );
  });

  it('finds its sections in RELIABILITY.md', () => {
    const doc = readFileSync(join(WORKSPACE_ROOT, 'RELIABILITY.md'), 'utf8');
    for (const tag of ['reliability:faults', 'reliability:fuzz']) {
      expect(doc.indexOf(`<!-- ${tag} -->`)).toBeGreaterThan(0);
      expect(doc.indexOf(`<!-- /${tag} -->`)).toBeGreaterThan(doc.indexOf(`<!-- ${tag} -->`));
    }
  });
});
