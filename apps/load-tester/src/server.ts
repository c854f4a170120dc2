import { GenerateReportRequest, RunLoadTestRequest } from '@ai/contracts';
import { AppError, createHttpApp, listen, parseOrThrow } from '@ai/http-server';
import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { createReportDirectory } from '@ai/report';
import { Gauge } from 'prom-client';
import { mountStoreLatency } from './callback-listener';
import { CallbackReceiver } from './callback-receiver';
import type { LoadTesterConfig } from './config';
import { runLoadTest, writeLoadTestReport, type CompletedLoadTest } from './load-test';
import { loadTesterOpenApi, STORE_LATENCY_ROUTE } from './openapi';
import { prepareRun } from './prepare-run';
import { RunSetupError } from './run-setup-error';

export interface RunningLoadTester {
  url: string;
  port: number;
  /** Matches /storeLatency callbacks to the requests of the current run. */
  receiver: CallbackReceiver;
  /** The callback URL the dispatcher is given. */
  callbackUrl: string;
  /** Aborts a run in progress, waits for it, and closes the server. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
}

/** A refused run setup as the server answers it: 400 naming what the body can change, 503 for the pools its settings name. */
function setupError(error: unknown): unknown {
  if (!(error instanceof RunSetupError)) return error;
  if (error.field === 'images') return new AppError(503, 'images_unavailable', `${error.message} (set IMAGES_DIR)`);
  if (error.field === 'prompts') return new AppError(503, 'prompts_unavailable', `${error.message} (set PROMPTS_FILE)`);
  return AppError.badRequest(`${error.field}: ${error.message}`, error.field, error.details);
}

/**
 * The load tester's HTTP server: the reference design's API (POST /runLoadTest, /storeLatency,
 * /generateReport), POST /stopLoadTest, plus /health, /metrics and /docs.
 */
export async function start(config: LoadTesterConfig, options: StartOptions = {}): Promise<RunningLoadTester> {
  const logger = options.logger ?? createLogger({ service: 'load-tester', level: config.LOG_LEVEL, lokiUrl: config.LOKI_URL });
  const registry = createMetricsRegistry({ service: 'load-tester' });
  const running = new Gauge({ name: 'load_tester_run_in_progress', help: '1 while a load test runs.', registers: [registry] });
  const receiver = new CallbackReceiver();
  let current: { id: string; controller: AbortController; done: Promise<CompletedLoadTest | undefined> } | undefined;
  let inProgress = false;
  let callbackUrl = config.CALLBACK_URL ?? '';

  const app = createHttpApp({ logger, registry, openapi: loadTesterOpenApi(), jsonLimitBytes: 2 * 1024 * 1024 }, (app) => {
    // The probes every service has; the load tester is ready as soon as it listens.
    app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
    app.get('/readyz', (_req, res) => res.json({ ready: true, checks: {} }));
    app.get('/health', (_req, res) => {
      res.json({ status: 'ok', running: inProgress, runId: current?.id });
    });

    mountStoreLatency(app, receiver, registry);

    app.post('/runLoadTest', async (req, res) => {
      const body = parseOrThrow(RunLoadTestRequest, req.body === undefined ? {} : req.body);
      const refuseWhileRunning = () => {
        if (inProgress) throw new AppError(409, 'run_in_progress', 'a load test is already running; POST /generateReport waits for it');
      };
      refuseWhileRunning();
      const { rates, model, bodies, scheduled } = await prepareRun({
        workload: body.workload !== undefined ? { text: body.workload, source: 'workload' } : { file: config.WORKLOAD_FILE },
        model: body.model ?? config.MODEL_NAME,
        defaultImages: config.IMAGES_DIR,
        defaultPrompts: config.PROMPTS_FILE,
        generation: { max_new_tokens: config.MAX_NEW_TOKENS },
        maxRequests: body.maxImages,
        maxSeconds: { limit: config.MAX_RUN_SECONDS, setting: 'MAX_RUN_SECONDS' },
        modelRepository: config.MODEL_REPOSITORY,
        target: config.TARGET_URL,
      }).catch((error: unknown) => {
        throw setupError(error);
      });
      // Another run may have started while this one was being prepared.
      refuseWhileRunning();
      const controller = new AbortController();
      const id = `run-${Date.now().toString(36)}`;
      const dir = createReportDirectory(config.REPORTS_DIR, new Date());
      const run = runLoadTest({
        dir,
        target: config.TARGET_URL,
        model,
        rates,
        workloadFile: body.workload ? '(request body)' : config.WORKLOAD_FILE,
        bodies,
        collect: config.COLLECT,
        arrivals: config.ARRIVALS,
        timeoutMs: config.TIMEOUT_SECONDS * 1000,
        maxRequests: body.maxImages,
        reportsDir: config.REPORTS_DIR,
        callbackUrl,
        receiver,
        prometheusUrl: config.PROMETHEUS_URL,
        signal: controller.signal,
        logger,
      });
      inProgress = true;
      running.set(1);
      const done = run
        .then(
          (completed) => {
            logger.info('load test finished', { runId: id, counts: completed.result.counts });
            return completed;
          },
          (error: unknown) => {
            logger.error('load test failed', { runId: id, error: String(error) });
            return undefined;
          },
        )
        .finally(() => {
          inProgress = false;
          running.set(0);
        });
      current = { id, controller, done };
      res.status(202).json({ runId: id, scheduled, seconds: rates.length, reportDir: dir });
    });

    app.post('/stopLoadTest', (_req, res) => {
      if (!current || !inProgress) throw new AppError(409, 'no_run_in_progress', 'no load test is running');
      // Requests not yet sent end as "not sent"; those in flight still get their result or time out.
      current.controller.abort();
      logger.info('load test stopped on request', { runId: current.id });
      res.status(202).json({ runId: current.id, stopping: true });
    });

    app.post('/generateReport', async (req, res) => {
      const body = parseOrThrow(GenerateReportRequest, req.body === undefined ? {} : req.body);
      if (!current) throw new AppError(409, 'no_run', 'no load test has been started; POST /runLoadTest first');
      const completed = await current.done;
      if (!completed) throw new AppError(500, 'run_failed', 'the last load test failed; see the logs');
      const report = await writeLoadTestReport(completed, {}, body.totalRequests);
      res.json({ runId: current.id, reportDir: report.dir, summary: report.summary });
    });
  });

  const server = await listen(app, { port: config.PORT, host: config.HOST });
  callbackUrl ||= `http://127.0.0.1:${server.port}${STORE_LATENCY_ROUTE.path}`;
  logger.info('listening', { url: server.url, callbackUrl, target: config.TARGET_URL });
  return {
    url: server.url,
    port: server.port,
    receiver,
    callbackUrl,
    async stop() {
      current?.controller.abort();
      await current?.done;
      await server.close(2_000);
    },
  };
}
