import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

export interface RedisServerOptions {
  /** Append-only persistence, as production runs it; a restart then keeps the data. Default false. */
  appendOnly?: boolean;
  /** The executable; default `redis-server` from PATH. */
  binary?: string;
  port?: number;
}

export interface RunningRedisServer {
  port: number;
  /** redis://127.0.0.1:port */
  url: string;
  dir: string;
  /** Process id of the running server (undefined while stopped), e.g. to sample its memory. */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, or SIGKILL with `hard`); data stays in `dir` for `start`. */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port and directory. */
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  dispose(): Promise<void>;
}

/** Why redis-server cannot be found, with the command that installs it. */
export function redisServerMissingMessage(binary = 'redis-server'): string | undefined {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (!probe.error) return undefined;
  return `${binary} was not found on PATH. Install it with "sudo apt-get install -y redis-server" (Debian/Ubuntu) or "brew install redis" (macOS).`;
}

async function pingable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.setTimeout(500);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.on('error', () => resolve(false));
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts a private `redis-server` on a free port in a temporary directory: the real thing, for tests and for
 * the load tester's embedded stack. `maxmemory-policy noeviction` as BullMQ requires.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RunningRedisServer> {
  const binary = options.binary ?? 'redis-server';
  const missing = redisServerMissingMessage(binary);
  if (missing) throw new Error(missing);
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'redis-'));
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'no',
    '--loglevel',
    'warning',
  ];

  const start = async () => {
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk) => (stderr += chunk));
    await waitFor(
      `redis-server on port ${port}${stderr ? ` (${stderr.trim()})` : ''}`,
      async () => {
        if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}: ${stderr.trim()}`);
        return pingable(port);
      },
      10_000,
      25,
    );
  };
  const stop = async (hard = false) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child?.pid;
    },
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
