import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from '@ai/observability';

export interface WorkerProcesses {
  /** SIGTERMs every child (they finish their active jobs) and waits for them to exit. */
  stop(): Promise<void>;
}

/**
 * Forks `count` worker-only copies of this entry (ROLE=worker, no extra forks, a free port) and restarts
 * any that dies, with a short pause so a crash loop does not spin.
 */
export function forkWorkerProcesses(count: number, logger: Logger): WorkerProcesses {
  const children = new Set<ChildProcess>();
  let stopping = false;
  const spawnOne = (slot: number) => {
    const child = fork(process.argv[1], process.argv.slice(2), {
      env: { ...process.env, ROLE: 'worker', WORKER_PROCESSES: '0', PORT: '0', HOST: '127.0.0.1', WORKER_SLOT: String(slot) },
      execArgv: process.execArgv,
    });
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      logger.warn('worker process exited; restarting', { slot, code, signal });
      setTimeout(() => !stopping && spawnOne(slot), 500).unref();
    });
  };
  for (let slot = 1; slot <= count; slot += 1) spawnOne(slot);
  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...children].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
