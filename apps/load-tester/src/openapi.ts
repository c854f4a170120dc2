import { buildOpenApiDocument, ErrorBody, GenerateReportRequest, JobCallback, RunLoadTestRequest, type RouteDoc } from '@ai/contracts';
import { z } from 'zod';

export const RunStarted = z
  .object({ runId: z.string(), scheduled: z.number().int(), seconds: z.number().int(), reportDir: z.string() })
  .meta({ id: 'RunStarted' });
export const StoredLatency = z.object({ matched: z.boolean() }).meta({ id: 'StoredLatency' });

/** POST /storeLatency, served by the server mode and by a CLI run's callback listener. */
export const STORE_LATENCY_ROUTE: RouteDoc = {
  method: 'post',
  path: '/storeLatency',
  summary: 'Job callback from the dispatcher: the result and timings of one request.',
  request: JobCallback,
  responses: { 200: { description: 'stored', schema: StoredLatency }, 400: { description: 'invalid body', schema: ErrorBody } },
};

export function loadTesterOpenApi(): Record<string, unknown> {
  return buildOpenApiDocument(
    { title: 'load-tester', version: '1', description: 'Open-loop load tester: starts runs, receives job callbacks, writes reports.' },
    [
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
      STORE_LATENCY_ROUTE,
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
      { method: 'get', path: '/healthz', summary: 'Liveness.', responses: { 200: { description: 'ok' } } },
      { method: 'get', path: '/readyz', summary: 'Readiness: ready as soon as the server listens.', responses: { 200: { description: 'ready' } } },
      { method: 'get', path: '/health', summary: 'Liveness, and whether a run is in progress.', responses: { 200: { description: 'ok' } } },
    ],
  );
}
