import type { Express } from 'express';
import type { RouteDoc } from '@ai/contracts';

/**
 * A group of routes with their OpenAPI docs beside the handlers: the one way every app mounts routes, so a new
 * route and its documentation land in the same file. A module that only installs middleware (an API-key check,
 * an error mapper) has no docs. createHttpApp mounts the modules in order and builds the document from their docs.
 */
export interface RouteModule {
  docs: readonly RouteDoc[];
  mount(app: Express): void;
}
