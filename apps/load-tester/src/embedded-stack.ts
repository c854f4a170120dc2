import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readModelScaling, type ModelScaling } from '@ai/autoscaling';
import {
  redisServerMissingMessage,
  ReplicaPool,
  startNodeService,
  startRedisServer,
  waitFor,
  WORKSPACE_ROOT,
  type RunningNodeService,
  type RunningRedisServer,
} from '@ai/local-stack';
import { LocalScaler, type ScaleEvent } from './local-scaler';

/** The chart whose values hold the autoscaling policy. */
export const CHART_DIR = join(WORKSPACE_ROOT, 'charts', 'autoscaled-inference');

/** How many inference processes the embedded stack runs. */
export interface EmbeddedScaling {
  /** Scale with the chart's policy (default true); false runs `replicas` (or the chart's minimum, at least 1). */
  autoscale: boolean;
  /** A fixed count; turns autoscaling off. */
  replicas?: number;
  /** Overrides the policy's minReplicaCount (0 = scale to zero). */
  minReplicas?: number;
  /** Values files over the chart's, as `helm install -f`. */
  valuesFiles?: string[];
}

/** SIMULATED_DEVICE_MS / SIMULATED_DEVICE_MS_PER_ITEM for every inference process. */
export interface SimulatedDeviceSetting {
  perBatchMs: number;
  perItemMs: number;
}

export interface EmbeddedStackOptions {
  model: string;
  /** Peak requests per second of the workload: the dispatcher's drain rate and concurrency are set above it. */
  peakRate: number;
  scaling?: EmbeddedScaling;
  simulatedDevice?: SimulatedDeviceSetting;
  /** Called with progress lines ("starting redis-server ..."). */
  log?(line: string): void;
}

export interface EmbeddedStack {
  /** The dispatcher's URL: the target of the run. */
  target: string;
  /** The inference replicas and, when autoscaling, the loop that sizes them. */
  scaler: LocalScaler;
  /** The policy as read from the chart (after --values and --min-replicas). */
  scaling: ModelScaling;
  /** One line saying how the replica count is set. */
  policyDescription: string;
  simulatedDevice?: SimulatedDeviceSetting;
  stop(): Promise<void>;
}

/** Thrown when redis-server is not installed; its message says how to install it. */
export class RedisMissingError extends Error {}

/** The built bundle when there is one (as production runs it), else the TypeScript entry through tsx. */
export function serviceEntry(app: string): string {
  const built = join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js');
  return existsSync(built) ? built : join('apps', app, 'src', 'main.ts');
}

/** The model's policy from the chart's values, with --min-replicas applied. */
export function embeddedScaling(model: string, scaling: EmbeddedScaling | undefined): ModelScaling {
  const read = readModelScaling(CHART_DIR, model, scaling?.valuesFiles ?? []);
  if (!read.policy || scaling?.minReplicas === undefined) return read;
  return {
    ...read,
    policy: { ...read.policy, minReplicaCount: scaling.minReplicas, maxReplicaCount: Math.max(read.policy.maxReplicaCount, scaling.minReplicas, 1) },
  };
}

const describeEvent = (event: ScaleEvent) =>
  `scale ${event.from} → ${event.to} (${event.reason}${Object.entries(event.values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `, ${k} ${Number(v).toFixed(k === 'latency' ? 3 : 0)}`)
    .join('')})`;

/**
 * Starts the whole stack on this machine for a run without --target: a private redis-server on a free port, the
 * inference replicas (joining the registry in that Redis once ready) and the dispatcher (following the registry) as
 * child processes, and the local scaler with the chart's policy. Whatever was started is stopped again by `stop()`,
 * also when a later start fails.
 */
export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const missing = redisServerMissingMessage();
  if (missing) throw new RedisMissingError(missing);
  const log = options.log ?? (() => undefined);
  const scaling = embeddedScaling(options.model, options.scaling);
  let redis: RunningRedisServer | undefined;
  let pool: ReplicaPool | undefined;
  let dispatcher: RunningNodeService | undefined;
  let scaler: LocalScaler | undefined;
  const stop = async () => {
    await scaler?.stop();
    await dispatcher?.stop().catch(() => undefined);
    await pool?.close().catch(() => undefined);
    await redis?.dispose().catch(() => undefined);
  };
  try {
    log('starting redis-server');
    redis = await startRedisServer();
    let startError: Error | undefined;
    const failed = new AbortController();
    const device = options.simulatedDevice;
    pool = new ReplicaPool({
      service: {
        name: 'inference',
        entry: serviceEntry('inference'),
        env: {
          MODEL_NAME: options.model,
          LOG_LEVEL: 'warn',
          ORT_PROVIDERS: 'cpu',
          // As the chart deploys the model: its env, its graceful shutdown, and membership by the registry.
          ...scaling.env,
          DRAIN_DELAY_MS: String(scaling.shutdown.drainDelaySeconds * 1000),
          SHUTDOWN_GRACE_MS: String(scaling.shutdown.graceSeconds * 1000),
          REGISTRY_REDIS_URL: redis.url,
          ...(device && { SIMULATED_DEVICE_MS: String(device.perBatchMs), SIMULATED_DEVICE_MS_PER_ITEM: String(device.perItemMs) }),
        },
        readyPath: '/readyz',
        readyTimeoutMs: 120_000,
      },
      onError: (error) => {
        startError ??= error;
        failed.abort(error);
        log(`an inference replica failed: ${error.message.split('\n')[0]}`);
      },
    });
    log('starting dispatcher');
    dispatcher = await startNodeService({
      name: 'dispatcher',
      entry: serviceEntry('dispatcher'),
      env: {
        REDIS_URL: redis.url,
        // With the registry the URL is not called; the entry names the model's queue.
        INFERENCE_URLS: `${options.model}=http://registry.invalid`,
        INFERENCE_REGISTRY: 'redis',
        REGISTRY_POLL_MS: '500',
        CALLBACK_ALLOWLIST: '127.0.0.1,localhost',
        // The embedded stack measures the service, not a throttle: drain well above the workload's peak.
        DRAIN_RATE: String(Math.max(100, options.peakRate * 4)),
        CONCURRENCY: String(Math.min(256, Math.max(16, options.peakRate))),
        LOG_LEVEL: 'warn',
      },
      readyPath: '/ready',
      readyTimeoutMs: 120_000,
    });
    scaler = new LocalScaler({
      model: options.model,
      scaling,
      pool,
      dispatcherUrl: dispatcher.url,
      // --replicas pins the count; --autoscale false keeps the policy's minimum (at least one).
      fixedReplicas:
        options.scaling?.replicas ?? (options.scaling?.autoscale === false ? Math.max(1, scaling.policy?.minReplicaCount ?? scaling.fixedReplicas) : undefined),
      onEvent: (event) => log(describeEvent(event)),
      onPoll: (poll) => poll.error && log(`a trigger could not be read (${poll.error}); the HPA acts on the others only to scale up`),
    });
    const policy = scaler.autoscaling ? scaling.policy : undefined;
    const policyDescription = policy
      ? `chart autoscaling ${policy.minReplicaCount}..${policy.maxReplicaCount} replicas on ${policy.triggers.map((t) => t.name).join(', ')} every ${policy.pollingInterval} s`
      : `${scaler.initialReplicas} fixed replica${scaler.initialReplicas === 1 ? '' : 's'}`;
    log(
      `starting inference (${options.model}): ${policyDescription}${policy && options.scaling?.valuesFiles?.length ? ` (values + ${options.scaling.valuesFiles.join(', ')})` : ''}`,
    );
    if (device) log(`SIMULATED_DEVICE_MS=${device.perBatchMs} SIMULATED_DEVICE_MS_PER_ITEM=${device.perItemMs}: every batch is held by a timer, not computed`);
    scaler.start();
    const started = scaler;
    await waitFor('the first inference replica', () => started.counts().ready >= 1, 180_000, 100, failed.signal).catch((error: Error) => {
      throw startError ?? error;
    });
    await started.startPolling();
    // The dispatcher reads the registry every 500 ms: let it see the first replica before the run starts.
    await new Promise((resolve) => setTimeout(resolve, 600));
    return { target: dispatcher.url, scaler, scaling, policyDescription, ...(device && { simulatedDevice: device }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
