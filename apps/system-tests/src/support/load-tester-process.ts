import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, waitFor, WORKSPACE_ROOT, type RunningNodeService } from '@ai/local-stack';
import { LOAD_TESTER_ENTRY } from './stack';

/**
 * Starts `load-tester serve` as a real process on a free port. startNodeService runs an entry without
 * arguments, and the load tester needs its `serve` command, so this is the same launcher with one argument.
 */
export async function startLoadTesterServer(env: Record<string, string>): Promise<RunningNodeService> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(WORKSPACE_ROOT, LOAD_TESTER_ENTRY), 'serve'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(WORKSPACE_ROOT, 'tsconfig.base.json'), LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const service: RunningNodeService = {
    name: 'load-tester serve',
    port,
    url,
    process: child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  try {
    await waitFor(`load-tester at ${url}/health`, async () => {
      if (child.exitCode !== null) throw new Error(`load-tester exited with ${child.exitCode}`);
      return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) })).ok;
    }, 120_000, 200);
  } catch (error) {
    await service.stop('SIGKILL');
    throw new Error(`${String(error)}\n--- load-tester output ---\n${output}`);
  }
  return service;
}
