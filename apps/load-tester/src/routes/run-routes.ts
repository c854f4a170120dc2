import { z } from 'zod';
import { Gauge, type Registry } from 'prom-client';
import { ErrorBody, GenerateReportRequest, RunLoadTestRequest } from '@ai/contracts';
import { AppError, parseOrThrow, type RouteModule } from '@ai/http-server';
import type { Logger } from '@ai/observability';
import { createReportDirectory } from '@ai/report';
import type { CallbackReceiver } from '../callback-receiver';
import type { LoadTesterConfig } from '../config';
import { runLoadTest, writeLoadTestReport } from '../load-test';
import { prepareRun } from '../prepare-run';
import { RunSetupError } from '../run-setup-error';
import type { RunSlot } from '../run-slot';

export const RunStarted = z
  .object({ runId: z.string(), scheduled: z.number().int(), seconds: z.number().int(), reportDir: z.string() })
  .meta({ id: 'RunStarted' });

export interface RunRoutesContext {
  config: LoadTesterConfig;
  logger: Logger;
  registry: Registry;
  runs: RunSlot;
  receiver: CallbackReceiver;
  /** The callback URL the dispatcher is given (known once the server listens). */
  callbackUrl(): string;
}

/** A refused run setup as the server answers it: 400 naming what the body can change, 503 for the pools its settings name. */
function setupError(error: unknown): unknown {
  if (!(error instanceof RunSetupError)) return error;
  if (error.field === 'images') return new AppError(503, 'images_unavailable', `${error.message} (set IMAGES_DIR)`);
  if (error.field === 'prompts') return new AppError(503, 'prompts_unavailable', `${error.message} (set PROMPTS_FILE)`);
  return AppError.badRequest(`${error.field}: ${error.message}`, error.field, error.details);
}

/** The reference design's run API: POST /runLoadTest, /stopLoadTest and /generateReport, one run at a time. */
export function runRoutes(ctx: RunRoutesContext): RouteModule {
  const running = new Gauge({ name: 'load_tester_run_in_progress', help: '1 while a load test runs.', registers: [ctx.registry] });
  const { config, logger, runs } = ctx;
  return {
    docs: [
      {
        method: 'post',
        path: '/runLoadTest',
        summary: 'Start a load test against the dispatcher (answers at once; one run at a time).',
        request: RunLoadTestRequest,
        responses: {
          202: { description: 'started', schema: RunStarted },
          400: { description: 'invalid body or workload', schema: ErrorBody },
          409: { description: 'a run is in progress', schema: ErrorBody },
        },
      },
      {
        method: 'post',
        path: '/stopLoadTest',
        summary: 'Stop the run in progress: unsent requests end as not sent; POST /generateReport then reports what ran.',
        responses: { 202: { description: 'stopping' }, 409: { description: 'no run in progress', schema: ErrorBody } },
      },
      {
        method: 'post',
        path: '/generateReport',
        summary: 'Wait for the current run to end and write its report (summary.json, report.html, PNGs).',
        request: GenerateReportRequest,
        responses: {
          200: { description: 'the summary and the report folder' },
          400: { description: 'invalid body', schema: ErrorBody },
          409: { description: 'no run yet', schema: ErrorBody },
        },
      },
    ],
    mount: (app) => {
      app.post('/runLoadTest', async (req, res) => {
        const body = parseOrThrow(RunLoadTestRequest, req.body === undefined ? {} : req.body);
        const refuseWhileRunning = () => {
          if (runs.inProgress) throw new AppError(409, 'run_in_progress', 'a load test is already running; POST /generateReport waits for it');
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
          callbackUrl: ctx.callbackUrl(),
          receiver: ctx.receiver,
          prometheusUrl: config.PROMETHEUS_URL,
          signal: controller.signal,
          logger,
        });
        runs.inProgress = true;
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
            runs.inProgress = false;
            running.set(0);
          });
        runs.current = { id, controller, done };
        res.status(202).json({ runId: id, scheduled, seconds: rates.length, reportDir: dir });
      });

      app.post('/stopLoadTest', (_req, res) => {
        if (!runs.current || !runs.inProgress) throw new AppError(409, 'no_run_in_progress', 'no load test is running');
        // Requests not yet sent end as "not sent"; those in flight still get their result or time out.
        runs.current.controller.abort();
        logger.info('load test stopped on request', { runId: runs.current.id });
        res.status(202).json({ runId: runs.current.id, stopping: true });
      });

      app.post('/generateReport', async (req, res) => {
        const body = parseOrThrow(GenerateReportRequest, req.body === undefined ? {} : req.body);
        if (!runs.current) throw new AppError(409, 'no_run', 'no load test has been started; POST /runLoadTest first');
        const completed = await runs.current.done;
        if (!completed) throw new AppError(500, 'run_failed', 'the last load test failed; see the logs');
        const report = await writeLoadTestReport(completed, {}, body.totalRequests);
        res.json({ runId: runs.current.id, reportDir: report.dir, summary: report.summary });
      });
    },
  };
}
