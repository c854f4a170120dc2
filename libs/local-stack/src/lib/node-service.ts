import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

/** The nearest folder above `start` holding nx.json: the workspace root, whether running from source or dist. */
export function findWorkspaceRoot(start = process.cwd()): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) return start;
  }
}

export const WORKSPACE_ROOT = findWorkspaceRoot(__dirname);

export interface NodeServiceOptions {
  /** Shown in errors. */
  name: string;
  /** A .ts entry (run through tsx) or a built .js file, relative to the workspace root or absolute. */
  entry: string;
  /** Command-line arguments after the entry (e.g. a sub-command such as `serve`). */
  args?: string[];
  env?: Record<string, string | undefined>;
  /** Path polled until it answers 2xx; default /healthz. Set to null for processes with no HTTP server. */
  readyPath?: string | null;
  readyTimeoutMs?: number;
  /** Use this port instead of a free one. */
  port?: number;
}

export interface RunningNodeService {
  name: string;
  port: number;
  url: string;
  process: ChildProcess;
  /** stdout and stderr so far, for assertions and failure messages. */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Sends a signal (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts one of the workspace's services as a real child process, on a free port, and waits until it
 * answers. TypeScript entries run through tsx so tests need no build; built entries run as production does.
 */
export async function startNodeService(options: NodeServiceOptions): Promise<RunningNodeService> {
  const port = options.port ?? (await freePort());
  const entry = options.entry.startsWith('/') ? options.entry : join(WORKSPACE_ROOT, options.entry);
  const args = [...(entry.endsWith('.ts') ? ['--require', 'tsx/cjs', entry] : [entry]), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: WORKSPACE_ROOT,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(WORKSPACE_ROOT, 'tsconfig.base.json'),
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = `http://127.0.0.1:${port}`;
  const service: RunningNodeService = {
    name: options.name,
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
  const readyPath = options.readyPath === undefined ? '/healthz' : options.readyPath;
  if (readyPath !== null) {
    // A process that dies during start-up fails the start at once instead of after the whole ready timeout, and
    // stops the polling, which would otherwise keep the caller's process alive until that timeout.
    const stopPolling = new AbortController();
    try {
      const diedEarly = exited.then((code) => {
        const error = new Error(`${options.name} exited with ${code} before it was ready`);
        stopPolling.abort(error);
        throw error;
      });
      const ready = async () => {
        const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(2_000) });
        return res.ok;
      };
      await Promise.race([diedEarly, waitFor(`${options.name} at ${url}${readyPath}`, ready, options.readyTimeoutMs ?? 60_000, 100, stopPolling.signal)]);
    } catch (error) {
      await service.stop('SIGKILL');
      throw new Error(`${String(error)}\n--- ${options.name} output ---\n${output}`);
    }
  }
  return service;
}
