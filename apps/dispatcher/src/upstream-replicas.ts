import type IORedis from 'ioredis';
import type { Logger } from '@ai/observability';
import type { ModelWorker } from '@ai/queue';
import { ReplicaWatcher } from '@ai/redis-link';
import type { DispatcherConfig } from './config';

/**
 * Where each model's jobs go: the fixed URLs of INFERENCE_URLS, or (INFERENCE_REGISTRY=redis) the replicas that
 * joined the model's registry set, followed without a restart. While a model has no replica its worker takes no
 * job, so jobs wait in Redis (counted in the backlog that wakes a replica) instead of spending their attempts.
 */
export class UpstreamReplicas {
  private readonly watcher?: ReplicaWatcher;
  private readonly workers = new Map<string, { worker: ModelWorker; running: boolean }>();

  constructor(
    private readonly config: DispatcherConfig,
    redis: IORedis,
    private readonly logger: Logger,
  ) {
    if (config.INFERENCE_REGISTRY === 'redis') {
      this.watcher = new ReplicaWatcher({
        redis,
        models: Object.keys(config.INFERENCE_URLS),
        intervalMs: config.REGISTRY_POLL_MS,
        onChange: (model, members) => this.changed(model, members),
        onError: (error) => logger.warn('replica registry read failed; keeping the last view', { error: error.message }),
      });
    }
  }

  /** Whether workers should be created without taking jobs (they start once a replica is known). */
  get waitsForReplicas(): boolean {
    return this.watcher !== undefined;
  }

  /** What the model's InferenceClient calls. */
  urls(model: string): string[] | (() => readonly string[]) {
    const watcher = this.watcher;
    return watcher ? () => watcher.replicas(model) : this.config.INFERENCE_URLS[model];
  }

  /** Starts, pauses and resumes `worker` as the model's set fills and empties. */
  attach(model: string, worker: ModelWorker): void {
    this.workers.set(model, { worker, running: false });
    if (this.watcher) this.changed(model, this.watcher.replicas(model));
  }

  async start(): Promise<void> {
    await this.watcher?.start();
  }

  stop(): Promise<void> {
    return this.watcher?.stop() ?? Promise.resolve();
  }

  private changed(model: string, members: readonly string[]): void {
    const entry = this.workers.get(model);
    this.logger.info('inference replicas changed', { model, replicas: members.length, urls: members });
    if (!entry) return;
    if (members.length > 0 && !entry.running) {
      entry.running = true;
      entry.worker.run().catch((error: Error) => this.logger.warn('worker stopped', { model, error: error.message }));
    } else if (members.length > 0 && entry.worker.isPaused()) {
      entry.worker.resume();
    } else if (members.length === 0 && entry.running && !entry.worker.isPaused()) {
      // Jobs in flight finish on the replica that is draining; new ones wait.
      void entry.worker.pause();
    }
  }
}
