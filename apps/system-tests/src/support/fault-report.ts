import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@ai/local-stack';
import type { LedgerCounts } from './job-ledger';

/** Where every fault and fuzz run leaves its figures, one JSON file per run, for RELIABILITY.md. */
export const RELIABILITY_DIR = join(WORKSPACE_ROOT, 'tmp', 'reliability');

export interface FaultReport {
  fault: string;
  /** Jobs the dispatcher answered 202 for (or requests the service accepted). */
  accepted: number;
  completed: number;
  /** Ended failed with a reason (a dead-letter entry), not lost. */
  failed: number;
  /** Accepted but neither completed nor failed when the bounded wait ran out: must be 0. */
  lost: number;
  /** From the fault's end (restart, reconnection) until the system served again, in milliseconds. */
  recoveryMs: number;
  /** Anything else the fault measured (CPU share, callback counts, readiness timings). */
  details?: Record<string, unknown>;
}

/** Where and when a report was recorded: RELIABILITY.md states it beside the figures. */
export interface RecordedOn {
  recordedAt: string;
  machine: { cpu: string; cores: number; loadAverage1m: number };
}

/** Prints the report and writes it to tmp/reliability/<name>.json (stable name: the last run wins). */
export function recordReport(name: string, report: object): void {
  const machine = { cpu: cpus()[0]?.model.trim() ?? 'unknown CPU', cores: cpus().length, loadAverage1m: Number(loadavg()[0].toFixed(2)) };
  const recorded: RecordedOn = { recordedAt: new Date().toISOString(), machine };
  const line = JSON.stringify({ ...report, ...recorded }, null, 2);
  mkdirSync(RELIABILITY_DIR, { recursive: true });
  writeFileSync(join(RELIABILITY_DIR, `${name}.json`), line + '\n');
  console.log(`[reliability] ${name}\n${line}`);
}

/** Records a fault report and returns it, so the test asserts on exactly what was reported. */
export function reportFault(name: string, report: FaultReport): FaultReport {
  recordReport(`fault-${name}`, report);
  return report;
}

/** A fault report whose counts come from a JobLedger; the one place that says what "lost" means for a ledger. */
export function reportLedgerFault(
  name: string,
  report: Omit<FaultReport, 'accepted' | 'completed' | 'failed' | 'lost'> & { counts: LedgerCounts },
): FaultReport {
  const { counts, ...rest } = report;
  return reportFault(name, {
    ...rest,
    accepted: counts.accepted,
    completed: counts.completed,
    failed: counts.failed,
    // Neither completed nor failed when the bounded wait ran out, or an answer the client never got.
    lost: counts.pending + counts.brokenAnswers,
  });
}
