import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessSample {
  pid: number;
  /** Resident set size in bytes. */
  rssBytes: number;
  /** User + system CPU time consumed so far, in milliseconds. */
  cpuMs: number;
  at: number;
}

/**
 * Reads RSS and CPU time of a live process from /proc, without touching the process itself: a process that
 * spins hot shows CPU time growing as fast as the wall clock, whatever its own metrics claim.
 */
export function sampleProcess(pid: number): ProcessSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? 0);
    return { pid, rssBytes: rssKb * 1024, cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND, at: Date.now() };
  } catch {
    return undefined;
  }
}

/** CPU used between two samples as a fraction of one core (1 = one core fully busy). */
export function cpuShare(before: ProcessSample, after: ProcessSample): number {
  const wallMs = Math.max(1, after.at - before.at);
  return (after.cpuMs - before.cpuMs) / wallMs;
}

export function megabytes(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}
