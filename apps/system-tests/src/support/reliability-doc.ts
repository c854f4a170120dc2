import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultReport, RecordedOn } from './fault-report';
import type { AppFuzzReport } from './fuzz-app';

type Recorded<T> = T & Partial<RecordedOn> & { name: string };

export interface RecordedReports {
  faults: Recorded<FaultReport>[];
  fuzz: Recorded<AppFuzzReport>[];
  /** Every report read, faults, fuzz runs and the others alike: for when and where they were recorded. */
  all: Recorded<object>[];
}

/** The reports the fault and fuzz tests left in `dir` (tmp/reliability), by file name. */
export function readRecordedReports(dir: string): RecordedReports {
  const all = existsSync(dir)
    ? readdirSync(dir)
        .filter((file) => file.endsWith('.json') && file !== 'soak.json')
        .sort()
        .map((file) => ({ ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as object), name: file.replace(/\.json$/, '') }))
    : [];
  return {
    faults: all.filter((r) => r.name.startsWith('fault-')) as Recorded<FaultReport>[],
    fuzz: all.filter((r) => r.name.startsWith('fuzz-')) as Recorded<AppFuzzReport>[],
    all,
  };
}

const count = (n: number) => n.toLocaleString('en-US');
const duration = (ms: number) => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** When and where the reports were recorded, in one sentence. */
export function recordedOnLine(reports: Recorded<Partial<RecordedOn>>[]): string {
  const times = reports
    .map((r) => r.recordedAt)
    .filter((t): t is string => typeof t === 'string')
    .sort();
  if (times.length === 0) throw new Error('no recorded reports: run `npx nx test system-tests` first');
  const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  const machine = reports.find((r) => r.machine)?.machine;
  const loads = reports.map((r) => r.machine?.loadAverage1m).filter((l): l is number => typeof l === 'number');
  const where = machine ? ` on ${machine.cpu}, ${machine.cores} cores (load average ${Math.min(...loads)} to ${Math.max(...loads)} while they ran)` : '';
  return `Recorded by \`npx nx test system-tests\` between ${minute(times[0])} and ${minute(times.at(-1) as string).slice(11)} UTC${where}; written here by \`npx nx run system-tests:reliability-doc\`.`;
}

/** The scalar details of a fault as `name value` pairs; nested figures stay in the JSON. */
function scalarDetails(details: Record<string, unknown> | undefined): string {
  return Object.entries(details ?? {})
    .filter(([, value]) => ['number', 'boolean', 'string'].includes(typeof value))
    .map(([key, value]) => `\`${key}\` ${typeof value === 'number' ? count(value) : String(value)}`)
    .join(', ');
}

/** One row per fault: what was accepted and what became of it, the time to recover, and what else it measured. */
export function faultTable(faults: Recorded<FaultReport>[]): string[] {
  return [
    '| Fault | Accepted | Completed | Failed | Lost | Recovered after | Also measured |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...faults.map(
      (f) =>
        `| ${cell(f.fault)} | ${count(f.accepted)} | ${count(f.completed)} | ${count(f.failed)} | **${count(f.lost)}** | ${duration(f.recoveryMs)} | ${cell(scalarDetails(f.details))} |`,
    ),
  ];
}

/** One row per fuzzed app: cases, how they were answered, violations, and every process's memory before and after. */
export function fuzzTable(fuzz: Recorded<AppFuzzReport>[]): string[] {
  const statuses = (byStatus: Record<string, number>) =>
    Object.entries(byStatus)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, n]) => `${status} × ${count(n)}`)
      .join(', ');
  const memory = (processes: AppFuzzReport['processes']) =>
    processes.map((p) => `${p.name} ${p.rssBeforeMb.toFixed(1)} → ${p.rssAfterMb.toFixed(1)} MB${p.stillUp ? '' : ' (down)'}`).join('; ');
  return [
    '| App | Cases | Valid results | 4xx | Violations | Answers | RSS before → after | Run time |',
    '|---|---:|---:|---:|---:|---|---|---:|',
    ...fuzz.map(
      (f) =>
        `| ${f.app} | ${count(f.cases)} | ${count(f.valid)} | ${count(f.clientErrors)} | **${count(f.violationCount)}** | ${statuses(f.byStatus)} | ${memory(f.processes)} | ${Math.round(f.durationMs / 1000)} s |`,
    ),
  ];
}
