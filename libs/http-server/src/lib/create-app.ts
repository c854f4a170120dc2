import express, { type Express } from 'express';
import helmet from 'helmet';
import swaggerUi from 'swagger-ui-express';
import type { Registry } from 'prom-client';
import { buildOpenApiDocument, type OpenApiInfo } from '@ai/contracts';
import type { Logger } from '@ai/observability';
import { accessLog, requestId } from './request-context';
import { errorHandler, notFoundHandler } from './error-handler';
import type { RouteModule } from './route-module';

export interface HttpAppOptions {
  logger: Logger;
  registry: Registry;
  /** Title, version and description of the OpenAPI document built from the modules' docs (/openapi.json, /docs). */
  api: OpenApiInfo;
  /** Largest JSON body accepted, in bytes; larger bodies get 413. */
  jsonLimitBytes: number;
  /** Paths whose access logs go to debug (probes, scrapes). */
  quietPaths?: string[];
}

/**
 * The skeleton every app shares: security headers, request ids, access logs, a bounded JSON parser,
 * /metrics, /openapi.json and /docs; then the app's route modules, in order, and after them the 404 and the
 * central error handler.
 */
export function createHttpApp(options: HttpAppOptions, modules: readonly RouteModule[]): Express {
  const openapi = buildOpenApiDocument(
    options.api,
    modules.flatMap((module) => module.docs),
  );
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet({ contentSecurityPolicy: false }));
  app.use(requestId());
  app.use(accessLog(options.logger, new Set(options.quietPaths ?? ['/metrics', '/healthz', '/readyz', '/health', '/ready'])));
  app.use(express.json({ limit: options.jsonLimitBytes, strict: false }));

  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapi));

  for (const module of modules) module.mount(app);

  app.use(notFoundHandler());
  app.use(errorHandler(options.logger, options.registry));
  return app;
}
