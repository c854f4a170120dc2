import { runCli } from './program';

/** Exits once stdout and stderr have drained: a piped stdout is asynchronous, and process.exit() would cut it. */
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
