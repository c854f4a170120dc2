import type { RouteModule } from '@ai/http-server';
import type { RunSlot } from '../run-slot';

/** The probes every service has; the load tester is ready as soon as it listens. GET /health says whether a run is in progress. */
export function healthRoutes(runs: RunSlot): RouteModule {
  return {
    docs: [
      { method: 'get', path: '/healthz', summary: 'Liveness.', responses: { 200: { description: 'ok' } } },
      { method: 'get', path: '/readyz', summary: 'Readiness: ready as soon as the server listens.', responses: { 200: { description: 'ready' } } },
      { method: 'get', path: '/health', summary: 'Liveness, and whether a run is in progress.', responses: { 200: { description: 'ok' } } },
    ],
    mount: (app) => {
      app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
      app.get('/readyz', (_req, res) => res.json({ ready: true, checks: {} }));
      app.get('/health', (_req, res) => res.json({ status: 'ok', running: runs.inProgress, runId: runs.current?.id }));
    },
  };
}
