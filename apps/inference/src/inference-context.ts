import type { RequestHandler } from 'express';
import { AppError } from '@ai/http-server';
import type { Logger } from '@ai/observability';
import { burnCpuSync, simulatedDeviceOn, type LoadedModel, type ModelVersion, type SimulatedDevice } from '@ai/model-runtime';
import type { InferenceConfig } from './config';
import type { InferenceMetrics } from './metrics';

/** What every route of this process shares: settings, the model (once loaded), metrics and the lifecycle state. */
export class InferenceContext {
  private loaded: LoadedModel | undefined;
  private inFlightCount = 0;
  readonly startedAt = Date.now();
  draining = false;

  constructor(
    readonly config: InferenceConfig,
    readonly logger: Logger,
    readonly metrics: InferenceMetrics,
    /** The resolved version folder; known before the session opens, so routes can be chosen by task. */
    readonly version: ModelVersion,
  ) {}

  /** SIMULATED_DEVICE_MS and SIMULATED_DEVICE_MS_PER_ITEM when set: every batch is held by a timer. */
  get simulatedDevice(): SimulatedDevice | undefined {
    const device = { perBatchMs: this.config.SIMULATED_DEVICE_MS, perItemMs: this.config.SIMULATED_DEVICE_MS_PER_ITEM };
    return simulatedDeviceOn(device) ? device : undefined;
  }

  get modelName(): string {
    return this.version.config.name;
  }

  get modelVersion(): string {
    return this.version.config.version;
  }

  /** Set when the process can no longer serve (its session worker died): liveness fails so it gets restarted. */
  failure: string | undefined;

  get ready(): boolean {
    return this.loaded !== undefined && !this.draining && this.failure === undefined;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  setLoaded(model: LoadedModel): void {
    this.loaded = model;
  }

  /** The loaded model, or a retryable 503 while it is still loading. */
  model(): LoadedModel {
    if (!this.loaded) throw AppError.unavailable('model is still loading', 1);
    return this.loaded;
  }

  /** The per-request artificial CPU cost (ARTIFICIAL_CPU_SEC), for autoscaling demos. */
  artificialWork(): void {
    burnCpuSync(this.config.ARTIFICIAL_CPU_SEC);
  }

  /** Counts, times and tracks in-flight inference requests; 5xx answers count as exceptions. */
  instrument(): RequestHandler {
    return (_req, res, next) => {
      const stopTimer = this.metrics.latency.startTimer();
      this.inFlightCount += 1;
      this.metrics.inFlight.inc();
      res.once('close', () => {
        this.inFlightCount -= 1;
        this.metrics.inFlight.dec();
        stopTimer();
        this.metrics.requests(res.statusCode);
        if (res.statusCode >= 500) this.metrics.exceptions.inc();
      });
      next();
    };
  }
}
