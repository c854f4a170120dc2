import { readFileSync } from 'node:fs';
import { GenerateReportRequest, RunLoadTestRequest } from '@ai/contracts';
import { AppError, createHttpApp, listen, parseOrThrow } from '@ai/http-server';
import { createLogger, createMetricsRegistry, type Logger } from '@ai/observability';
import { createReportDirectory } from '@ai/report';
import { parseWorkload, WorkloadParseError } from '@ai/workload';
import { Gauge } from 'prom-client';
import { mountStoreLatency } from './callback-listener';
import { CallbackReceiver } from './callback-receiver';
import type { LoadTesterConfig } from './config';
import { TEXT_MODEL } from './cli-args';
import { ImageSet } from './image-set';
import { PromptSet } from './prompt-set';
import { runLoadTest, scheduledRequests, writeLoadTestReport, type CompletedLoadTest } from './load-test';
import { loadTesterOpenApi, STORE_LATENCY_ROUTE } from './openapi';

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
  let images: ImageSet | undefined;
  let prompts: PromptSet | undefined;
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

    app.post('/runLoadTest', (req, res) => {
      const body = parseOrThrow(RunLoadTestRequest, req.body === undefined ? {} : req.body);
      if (inProgress) throw new AppError(409, 'run_in_progress', 'a load test is already running; POST /generateReport waits for it');
      let rates: number[];
      try {
        rates = parseWorkload(body.workload ?? readFileSync(config.WORKLOAD_FILE, 'utf8'), body.workload ? 'workload' : config.WORKLOAD_FILE);
      } catch (error) {
        if (error instanceof WorkloadParseError)
          throw AppError.badRequest(`workload: ${error.message}`, 'workload', { line: error.line, column: error.column });
        throw error;
      }
      if (rates.length > config.MAX_RUN_SECONDS) {
        throw AppError.badRequest(`workload: ${rates.length} seconds is longer than MAX_RUN_SECONDS (${config.MAX_RUN_SECONDS})`, 'workload');
      }
      const model = body.model ?? config.MODEL_NAME;
      let bodies: ImageSet | PromptSet;
      if (model === TEXT_MODEL) {
        try {
          prompts ??= PromptSet.load(config.PROMPTS_FILE, { max_new_tokens: config.MAX_NEW_TOKENS });
        } catch (error) {
          throw new AppError(503, 'prompts_unavailable', `${(error as Error).message} (set PROMPTS_FILE)`);
        }
        bodies = prompts;
      } else {
        try {
          images ??= ImageSet.load(config.IMAGES_DIR);
        } catch (error) {
          throw new AppError(503, 'images_unavailable', `${(error as Error).message} (set IMAGES_DIR)`);
        }
        bodies = images;
      }
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
      res.status(202).json({ runId: id, scheduled: scheduledRequests(rates, body.maxImages), seconds: rates.length, reportDir: dir });
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
