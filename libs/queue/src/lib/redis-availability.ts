import type IORedis from 'ioredis';

/** What /ready and the 503s say about Redis. */
export interface RedisAvailabilitySnapshot {
  redis: 'up' | 'unreachable';
  /** When Redis became reachable or unreachable (ISO 8601); for a process that never reached it, its start. */
  since: string;
  /** The last connection error seen (kept after recovery, for the record); null when there was none. */
  lastError: string | null;
  /** While unreachable: milliseconds until the next connection attempt, when one is scheduled. */
  retryInMs?: number;
}

export interface RedisAvailabilityHooks {
  /** Redis answers (again). `downForMs` is how long it was unreachable; `first` is true for the first connection. */
  up?(info: { downForMs: number; first: boolean }): void;
  /** Redis was reachable and is no longer. */
  down?(info: { lastError: string | null }): void;
}

/**
 * Follows one ioredis connection (the process's shared one) to tell whether Redis is reachable now, since when and
 * why not, without a round trip: `ready` makes it up; `close` or `end` makes it unreachable; `error` and
 * `reconnecting` say why and when the next attempt is. The process starts unreachable until the first `ready`.
 */
export class RedisAvailability {
  private isUp: boolean;
  private sinceMs = Date.now();
  private lastError: string | null = null;
  private retryAt?: number;
  private everUp: boolean;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly client: IORedis,
    private readonly hooks: RedisAvailabilityHooks = {},
  ) {
    this.isUp = client.status === 'ready';
    this.everUp = this.isUp;
    client.on('ready', () => this.markUp());
    client.on('error', (error: Error) => {
      this.lastError = describeRedisError(error);
    });
    client.on('close', () => this.markDown());
    client.on('end', () => this.markDown());
    client.on('reconnecting', (delayMs: number) => {
      this.retryAt = Date.now() + (Number(delayMs) || 0);
    });
  }

  get up(): boolean {
    return this.isUp;
  }

  /** Whether Redis was ever reachable from this process. */
  get everReached(): boolean {
    return this.everUp;
  }

  snapshot(): RedisAvailabilitySnapshot {
    const retryInMs = !this.isUp && this.retryAt !== undefined ? Math.max(0, this.retryAt - Date.now()) : undefined;
    return {
      redis: this.isUp ? 'up' : 'unreachable',
      since: new Date(this.sinceMs).toISOString(),
      lastError: this.lastError,
      ...(retryInMs !== undefined && { retryInMs }),
    };
  }

  /** Resolves when Redis is reachable (at once when it is), or with false after `timeoutMs`. */
  whenUp(timeoutMs: number): Promise<boolean> {
    if (this.isUp) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve(this.isUp);
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref();
      this.waiting.add(done);
    });
  }

  private markUp(): void {
    if (this.isUp) return;
    const downForMs = Date.now() - this.sinceMs;
    const first = !this.everUp;
    this.isUp = true;
    this.everUp = true;
    this.sinceMs = Date.now();
    this.retryAt = undefined;
    for (const done of [...this.waiting]) done();
    this.hooks.up?.({ downForMs, first });
  }

  private markDown(): void {
    if (!this.isUp) return;
    this.isUp = false;
    this.sinceMs = Date.now();
    this.hooks.down?.({ lastError: this.lastError });
  }
}

/** A connection error in one line: ioredis's message, plus the code when the message lacks it. */
export function describeRedisError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message || String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}
