import type { ModelTask } from '@ai/contracts';
import { createHttpApp, listen } from '@ai/http-server';
import { autoCompleteModelVersion, loadModel, WorkerSession, type LoadedModel } from '@ai/model-runtime';
import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { badInputHandler } from './bad-input-handler';
import type { InferenceConfig } from './config';
import { InferenceContext } from './inference-context';
import { createInferenceMetrics } from './metrics';
import { recordArrivals } from './request-arrival';
import { classifyRoutes } from './routes/classify-routes';
import { generateRoutes } from './routes/generate-routes';
import { healthRoutes } from './routes/health-routes';
import { kserveV2Routes } from './routes/kserve-v2-routes';
import { loadRoutes } from './routes/load-routes';
import { predictRoutes } from './routes/predict-routes';
import { registryMembership } from './registry-membership';
import type { ModelRouteModule } from './routes/route-module';

export interface RunningInference {
  url: string;
  port: number;
  /** The loaded model (for tests and benchmarks that compare with raw session runs). */
  model: LoadedModel;
  /**
   * Readiness goes false (requests are still served for DRAIN_DELAY_MS), then the server stops accepting, in-flight
   * requests finish (up to SHUTDOWN_GRACE_MS) and every handle closes.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** A logger to use instead of one built from the config. */
  logger?: Logger;
}

const TASK_ROUTES: Record<ModelTask, ((ctx: InferenceContext) => ModelRouteModule)[]> = {
  'image-classification': [classifyRoutes, kserveV2Routes],
  'tabular-classification': [predictRoutes, kserveV2Routes],
  'text-generation': [generateRoutes, kserveV2Routes],
};

/**
 * Starts the inference service: resolves the model version, listens (live, not ready), opens and warms up the
 * session, then turns ready. Resolves once ready; rejects (and closes everything) if the model cannot load.
 */
export async function start(config: InferenceConfig, options: StartOptions = {}): Promise<RunningInference> {
  const logger = options.logger ?? createLogger({ service: 'inference', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  const version = await autoCompleteModelVersion({
    repository: config.MODEL_REPOSITORY,
    name: config.MODEL_NAME,
    version: config.MODEL_VERSION,
    path: config.MODEL_PATH,
  });
  const labels = { model: version.config.name, version: version.config.version };
  const registry = createMetricsRegistry({ service: 'inference' });
  const metrics = createInferenceMetrics(registry, labels);
  const ctx = new InferenceContext(config, logger, metrics, version);

  const modules = [healthRoutes(ctx), ...TASK_ROUTES[version.config.task].map((routes) => routes(ctx))];
  if (config.ENABLE_LOAD_ENDPOINT) modules.push(loadRoutes(ctx));
  const api = { title: 'inference', version: '1', description: `Serves ${labels.model} version ${labels.version} (${version.config.task}).` };
  const badInput: ModelRouteModule = { docs: [], mount: (app) => app.use(badInputHandler()) };
  const app = createHttpApp({ logger, registry, api, jsonLimitBytes: config.BODY_LIMIT_BYTES }, [...modules, badInput]);
  const server = await listen(app, { port: config.PORT, host: config.HOST });
  recordArrivals(server.server);
  logger.info('listening, loading model', { url: server.url, ...labels, dir: version.dir, task: version.config.task, autoCompleted: version.autoCompleted });
  for (const warning of version.warnings ?? []) logger.warn(warning, { ...labels, dir: version.dir });

  let model: LoadedModel;
  try {
    model = await loadModel({
      resolved: version,
      providers: config.ORT_PROVIDERS,
      instances: config.MODEL_INSTANCES,
      intraOpThreads: config.ORT_INTRA_OP_THREADS,
      allowSpinning: config.ORT_ALLOW_SPINNING,
      // A text-generation run is one token, well under a millisecond: a thread hop per token would cost more than it
      // frees, and the event loop gets a turn between tokens anyway. Image and tabular runs take a worker thread,
      // unless they are as short (digits-cnn): the loader times them and decides.
      thread: version.config.task === 'text-generation' ? 'main' : config.MODEL_THREAD,
      maxBatchSize: config.MAX_BATCH_SIZE,
      maxBatchDelayMs: config.MAX_BATCH_DELAY_MS,
      simulatedDevice: ctx.simulatedDevice,
      onFallback: (reason) => logger.warn('execution provider fallback', { reason }),
      onBatch: (size) => metrics.batchSize.observe(size),
    });
    for (const module of modules) module.onLoaded?.(model);
  } catch (error) {
    await server.close(0);
    registry.clear();
    if (!options.logger) logger.close();
    throw error;
  }
  model.session.onUnexpectedExit((error) => {
    ctx.failure = error.message;
    logger.error('a model session worker died; liveness now fails so the process is restarted', { error: error.message });
  });
  metrics.loadSeconds.set(model.loadSeconds);
  metrics.provider(model.provider);
  ctx.setLoaded(model);
  // Only a ready replica joins: the dispatcher sends it work from the moment it is in the set.
  const membership = registryMembership(config, labels.model, server.port, logger);
  await membership?.join();
  logger.info('model ready', {
    ...labels,
    provider: model.provider,
    loadSeconds: model.loadSeconds,
    maxBatchSize: model.batcher.batchLimit,
    instances: model.session.size,
    sessions: model.session.sessions.length,
    spinning: model.spinning,
    onMainThread: !(model.session.instances[0] instanceof WorkerSession),
    ...(ctx.simulatedDevice && { simulatedDevice: ctx.simulatedDevice }),
  });

  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    model,
    stop() {
      stopping ??= (async () => {
        ctx.draining = true;
        // Leave first, so dispatchers stop choosing this replica while it still serves what reaches it.
        await membership?.leave();
        if (config.DRAIN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.DRAIN_DELAY_MS));
        await server.close(config.SHUTDOWN_GRACE_MS);
        await model.close();
        registry.clear();
        if (!options.logger) logger.close();
      })();
      return stopping;
    },
  };
}
