/**
 * Writes a command's figures into its section of a document, so the figures there are what the command measured,
 * not a hand copy. A bench's section of BENCHMARKS.md sits between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`;
 * the prose around the markers explains the method and stays as written.
 */
import { cpus, loadavg } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './node-service';

const BENCHMARKS = join(WORKSPACE_ROOT, 'BENCHMARKS.md');

/** The machine and moment of a run, as one line: date, CPU model, cores, Node and the load average at the start. */
export function describeRun(loadAtStart: number[] = loadavg()): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return (
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpu}, ${cpus().length} cores, ` +
    `node ${process.version}; load average ${loadAtStart.map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) at the start.`
  );
}

/**
 * Replaces the section `name` of BENCHMARKS.md with `lines` (a run description first). Skipped with
 * `--no-write` on the bench's command line, e.g. for a trial run.
 */
export function writeBenchmarkSection(name: string, lines: string[]): void {
  if (process.argv.includes('--no-write')) return;
  writeDocSection(BENCHMARKS, `bench:${name}`, lines);
  console.log(`\nwrote the ${name} section of BENCHMARKS.md (--no-write to skip)`);
}

/**
 * Replaces what stands between `<!-- TAG -->` and `<!-- /TAG -->` in the markdown file `file` with `lines`: the one
 * way a command writes its figures into a document (BENCHMARKS.md, RELIABILITY.md) instead of a hand copy.
 */
export function writeDocSection(file: string, tag: string, lines: string[]): void {
  const start = `<!-- ${tag} -->`;
  const end = `<!-- /${tag} -->`;
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${file} has no ${start} ... ${end} section`);
  writeFileSync(file, `${doc.slice(0, from + start.length)}\n${lines.join('\n')}\n${doc.slice(to)}`);
}
