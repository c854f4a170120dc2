import type IORedis from 'ioredis';

/**
 * Membership of inference replicas without a balancer: each replica that is ready adds its URL to a sorted set per
 * model in Redis, scored with the time (Redis's own clock) its entry expires, and renews it on a heartbeat; it
 * removes itself first thing on shutdown. Readers take the members whose expiry lies ahead, so a replica that died
 * without leaving drops out after one TTL. Every dispatcher replica reads the same set, and nothing restarts.
 */
export const registryKey = (model: string): string => `inference-replicas:${model}`;

/** Adds or renews ARGV[1] with expiry now + ARGV[2] ms, and drops expired members. */
const HEARTBEAT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return now`;

/** The members whose expiry lies ahead. */
const LIVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')`;

/** The live members of one model's set. */
export async function liveReplicas(redis: IORedis, model: string): Promise<string[]> {
  const members = (await redis.eval(LIVE, 1, registryKey(model))) as string[];
  return members.sort();
}

export interface ReplicaRegistrationOptions {
  redis: IORedis;
  model: string;
  /** How the dispatcher reaches this replica, e.g. http://10.0.0.7:8080. */
  url: string;
  /** Lifetime of an entry without renewal; renewed every third of it. Default 10 000 ms. */
  ttlMs?: number;
  onError?: (error: Error) => void;
}

/** One inference replica's entry: `join()` once ready, `leave()` first thing on SIGTERM, before draining. */
export class ReplicaRegistration {
  private timer?: NodeJS.Timeout;
  private readonly ttlMs: number;

  constructor(private readonly options: ReplicaRegistrationOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    if (!(this.ttlMs >= 300)) throw new Error(`ttlMs must be at least 300, got ${this.ttlMs}`);
    if (!/^https?:\/\/[^\s/]+/.test(options.url)) throw new Error(`not an http(s) URL: ${options.url}`);
  }

  /**
   * Adds the entry and keeps renewing it until `leave()`. Rejects when the first write fails (Redis unreachable);
   * the heartbeat keeps trying, so the replica joins once Redis answers.
   */
  async join(): Promise<void> {
    this.timer ??= setInterval(() => void this.beat().catch((error: Error) => this.options.onError?.(error)), Math.floor(this.ttlMs / 3));
    this.timer.unref();
    await this.beat();
  }

  /** Stops renewing and removes the entry, so no new request is routed here. */
  async leave(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.options.redis.zrem(registryKey(this.options.model), this.options.url);
  }

  private async beat(): Promise<void> {
    await this.options.redis.eval(HEARTBEAT, 1, registryKey(this.options.model), this.options.url, String(this.ttlMs));
  }
}

export interface ReplicaWatcherOptions {
  redis: IORedis;
  models: string[];
  /** How often the sets are read; default 1 000 ms. */
  intervalMs?: number;
  /** Called after a read that changed a model's members. */
  onChange?: (model: string, members: readonly string[]) => void;
  onError?: (error: Error) => void;
}

/**
 * The dispatcher's view of every model's replicas, read every `intervalMs`. While Redis cannot be read the last
 * view stays, so an outage does not empty the set.
 */
export class ReplicaWatcher {
  private readonly members = new Map<string, readonly string[]>();
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;

  constructor(private readonly options: ReplicaWatcherOptions) {
    for (const model of options.models) this.members.set(model, []);
  }

  /** Reads once (errors reported, not thrown), then keeps reading until `stop()`. */
  async start(): Promise<void> {
    await this.read();
    this.timer = setInterval(() => void this.read(), this.options.intervalMs ?? 1_000);
    this.timer.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    return this.reading ?? Promise.resolve();
  }

  /** The model's replicas as last read. */
  replicas(model: string): readonly string[] {
    return this.members.get(model) ?? [];
  }

  private read(): Promise<void> {
    this.reading ??= (async () => {
      for (const model of this.options.models) {
        try {
          const now = await liveReplicas(this.options.redis, model);
          const before = this.members.get(model) ?? [];
          if (now.join('\n') !== before.join('\n')) {
            this.members.set(model, now);
            this.options.onChange?.(model, now);
          }
        } catch (error) {
          this.options.onError?.(error as Error);
        }
      }
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }
}
