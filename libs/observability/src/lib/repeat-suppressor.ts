/** The part of a logger the suppressor writes to (a winston Logger fits). */
export interface LineSink {
  log(level: string, message: string, meta?: Record<string, unknown>): unknown;
}

export interface RepeatSuppressorOptions {
  /** How long after the first line of a key its repeats are only counted. Default 1 000 ms. */
  firstWindowMs?: number;
  /** Each window is this many times longer than the one before ... Default 2. */
  factor?: number;
  /** ... up to this. Default 60 000 ms: a steady error stream costs one line a minute per key. */
  maxWindowMs?: number;
  /** Keys tracked at once; beyond that, new keys are logged line for line (nothing is lost). Default 1 000. */
  maxKeys?: number;
}

interface KeyState {
  level: string;
  message: string;
  meta: Record<string, unknown>;
  windowMs: number;
  /** Occurrences since the first line of this key. */
  occurrences: number;
  /** Occurrences counted but not logged since the last line. */
  unlogged: number;
  firstAt: number;
  timer: NodeJS.Timeout;
}

/**
 * Logs a repeating error once per backoff step, with a count, instead of once per occurrence. The first
 * occurrence of a key is logged at once. Repeats within the following window (1 s by default) are only counted;
 * when the window ends, one line reports them (`repeats`: how many since the last line, `occurrences`: since the
 * first) and the next window is twice as long, up to `maxWindowMs`. A key quiet for a whole window is forgotten,
 * so its next occurrence is logged at once again. An outage that fails every second thus writes about 7 lines in
 * its first minute and one a minute after that, not one per failure.
 */
export class RepeatSuppressor {
  private readonly keys = new Map<string, KeyState>();
  private readonly firstWindowMs: number;
  private readonly factor: number;
  private readonly maxWindowMs: number;
  private readonly maxKeys: number;

  constructor(
    private readonly sink: LineSink,
    options: RepeatSuppressorOptions = {},
  ) {
    this.firstWindowMs = options.firstWindowMs ?? 1_000;
    this.factor = Math.max(1, options.factor ?? 2);
    this.maxWindowMs = Math.max(this.firstWindowMs, options.maxWindowMs ?? 60_000);
    this.maxKeys = options.maxKeys ?? 1_000;
  }

  /**
   * One occurrence of `key`. Logs `message` with `meta` now when the key is new (or was quiet for its last
   * window); otherwise counts it for the line at the end of the current window. Returns whether it logged now.
   */
  log(level: string, key: string, message: string, meta: Record<string, unknown> = {}): boolean {
    const state = this.keys.get(key);
    if (state) {
      state.occurrences += 1;
      state.unlogged += 1;
      state.level = level;
      state.message = message;
      state.meta = meta;
      return false;
    }
    if (this.keys.size >= this.maxKeys) {
      this.sink.log(level, message, meta);
      return true;
    }
    const now = Date.now();
    const fresh: KeyState = {
      level,
      message,
      meta,
      windowMs: this.firstWindowMs,
      occurrences: 1,
      unlogged: 0,
      firstAt: now,
      timer: undefined as unknown as NodeJS.Timeout,
    };
    fresh.timer = this.schedule(key, fresh);
    this.keys.set(key, fresh);
    this.sink.log(level, message, meta);
    return true;
  }

  /**
   * The trouble behind `key` is over. Returns what was counted since the key's first line (undefined when the
   * key is not tracked), writes nothing itself unless `line` is given, and forgets the key, so the next
   * occurrence is logged at once. Repeats not yet reported go into `line`'s meta as `repeats`.
   */
  resolve(
    key: string,
    line?: { level: string; message: string; meta?: Record<string, unknown> },
  ): { occurrences: number; repeats: number; firstAt: number } | undefined {
    const state = this.keys.get(key);
    if (state) {
      clearTimeout(state.timer);
      this.keys.delete(key);
    }
    const counted = state && { occurrences: state.occurrences, repeats: state.unlogged, firstAt: state.firstAt };
    if (line) this.sink.log(line.level, line.message, { ...line.meta, ...(counted && { repeats: counted.repeats, occurrences: counted.occurrences }) });
    return counted;
  }

  /** Writes the lines still owed (repeats counted but not reported) and forgets every key; for shutdown. */
  flush(): void {
    for (const [key, state] of [...this.keys]) {
      clearTimeout(state.timer);
      this.keys.delete(key);
      if (state.unlogged > 0) this.report(state);
    }
  }

  /** Keys tracked now (tests). */
  get size(): number {
    return this.keys.size;
  }

  private schedule(key: string, state: KeyState): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (this.keys.get(key) !== state) return;
      if (state.unlogged === 0) {
        // Quiet for a whole window: the next occurrence starts afresh.
        this.keys.delete(key);
        return;
      }
      this.report(state);
      state.unlogged = 0;
      state.windowMs = Math.min(this.maxWindowMs, state.windowMs * this.factor);
      state.timer = this.schedule(key, state);
    }, state.windowMs);
    timer.unref();
    return timer;
  }

  private report(state: KeyState): void {
    this.sink.log(state.level, state.message, {
      ...state.meta,
      repeats: state.unlogged,
      occurrences: state.occurrences,
      firstSeen: new Date(state.firstAt).toISOString(),
      windowMs: state.windowMs,
    });
  }
}
