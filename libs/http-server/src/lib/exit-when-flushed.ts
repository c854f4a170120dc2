/**
 * Exits with `code` once everything written to stdout and stderr has left the process. On POSIX a pipe (what Nx,
 * CI runners and `| tee` give a process) is written asynchronously, and `process.exit()` drops what is still queued:
 * the line that says why a command failed would be lost exactly where nobody watches a terminal.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}
