import type IORedis from 'ioredis';
import type { ModelQueues } from '../jobs/model-queues';
import { backlogOf, queuedOf, readQueueDepth, type QueueDepth } from './queue-depth';
import { DrainRateMeter } from './drain-rate-meter';
import { DEFAULT_QUEUE_PREFIX, queueKeys } from '../jobs/queue-naming';

export interface QueueMonitorOptions {
  queues: ModelQueues;
  /** Client for reading the drained counters. */
  redis: IORedis;
  prefix?: string;
  /** How often depths and drain counters are sampled; default 500 ms. */
  intervalMs?: number;
  /** Drain-rate window; default 10 000 ms. */
  windowMs?: number;
  onError?: (error: Error) => void;
  /**
   * Whether Redis is reachable now; samples are skipped while it is not (a command on a connection that never
   * connected waits for it, and the last sample is the best guess anyway). Default: always.
   */
  isAvailable?: () => boolean;
}

/** One model's queue as the API sees it now. */
export interface QueueSnapshot {
  depth: QueueDepth;
  /** Not started yet, including jobs this process added since the last sample. */
  queued: number;
  /** Waiting + prioritized + active, including jobs this process added since the last sample. */
  backlog: number;
  /** Jobs/s drained over the window, undefined until something drained. */
  drainRate?: number;
  sampledAt: number;
}

/**
 * Samples every model's queue depth and drain counter in the background, so admission decisions cost no
 * Redis round trip per request. Jobs this process adds between samples are counted on top, so a burst
 * cannot overshoot MAX_QUEUE_LENGTH by more than what other replicas add in one interval.
 */
export class QueueMonitor {
  private readonly meters = new Map<string, DrainRateMeter>();
  private readonly depths = new Map<string, { depth: QueueDepth; at: number }>();
  private readonly added = new Map<string, number>();
  private readonly intervalMs: number;
  private readonly prefix: string;
  private timer?: NodeJS.Timeout;
  private sampling?: Promise<void>;

  constructor(private readonly options: QueueMonitorOptions) {
    this.intervalMs = options.intervalMs ?? 500;
    this.prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
    for (const model of options.queues.models) this.meters.set(model, new DrainRateMeter({ windowMs: options.windowMs }));
  }

  /** Takes a first sample (when Redis answers) and keeps sampling until `stop()`. */
  async start(): Promise<void> {
    await this.sample();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return this.sampling ?? Promise.resolve();
  }

  /** Reads every model now (single-flight: concurrent callers share one sample). Errors are reported, not thrown. */
  sample(): Promise<void> {
    if (this.options.isAvailable && !this.options.isAvailable()) return this.sampling ?? Promise.resolve();
    this.sampling ??= this.readAll().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  /** Counts jobs this process just added, until the next sample sees them. */
  noteAdded(model: string, count: number): void {
    this.added.set(model, (this.added.get(model) ?? 0) + count);
  }

  snapshot(model: string): QueueSnapshot | undefined {
    const seen = this.depths.get(model);
    if (!seen) return undefined;
    const added = this.added.get(model) ?? 0;
    return {
      depth: seen.depth,
      queued: queuedOf(seen.depth) + added,
      backlog: backlogOf(seen.depth) + added,
      drainRate: this.meters.get(model)?.rate(),
      sampledAt: seen.at,
    };
  }

  private async readAll(): Promise<void> {
    const models = this.options.queues.models;
    await Promise.all(
      models.map(async (model) => {
        try {
          const addedBefore = this.added.get(model) ?? 0;
          const [depth, drained] = await Promise.all([
            readQueueDepth(this.options.queues.queue(model)),
            this.options.redis.get(queueKeys(model, this.prefix).drained),
          ]);
          const at = Date.now();
          this.depths.set(model, { depth, at });
          // Jobs added while the read was in flight may not be in it; keep counting those.
          this.added.set(model, Math.max(0, (this.added.get(model) ?? 0) - addedBefore));
          this.meters.get(model)?.record(Number(drained ?? 0), at);
        } catch (error) {
          this.options.onError?.(error as Error);
        }
      }),
    );
  }
}
