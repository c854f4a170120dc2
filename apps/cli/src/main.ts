import { runCli } from './program';

/**
 * Exits once stdout and stderr have drained: a piped stdout is written asynchronously on POSIX, and process.exit()
 * would cut it; waiting for Node to exit by itself would wait out fetch's keep-alive sockets (seconds). The apps share
 * `exitWhenFlushed` from @ai/http-server, whose index would load Express and the rest of the server stack here
 * (about half a second at every start); this copy keeps the CLI quick to start.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(exitWhenFlushed);
