import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * An HTTP server for `app` whose requests and responses are born with the app's prototypes.
 *
 * Express gives every request and response its own prototype (`app.request`, `app.response`) by calling
 * Object.setPrototypeOf on objects node:http already built. That change of shape on every request leaves
 * V8's inline caches megamorphic for everything that touches them afterwards (Express, the router, node:http
 * itself): on the dispatcher's /enqueue it cost more than the Redis write and the validation together.
 * Building them with those prototypes from the start makes Express's setPrototypeOf a no-op.
 * Sub-apps mounted with `app.use` still swap prototypes, for their own routes only.
 */
export function createExpressServer(app: Express): Server {
  // Node's constructors are plain functions today; were they ever classes, `.call` would throw, so serve as usual.
  if (isClass(IncomingMessage) || isClass(ServerResponse)) return createServer(app);
  // Calling node's constructors on an object created by `new` with our prototype; Reflect.construct with a
  // new.target does the same but took a slow path in V8 that cost more than the prototype swap saved.
  function ExpressRequest(this: IncomingMessage, socket: unknown) {
    (IncomingMessage as unknown as (this: IncomingMessage, socket: unknown) => void).call(this, socket);
  }
  ExpressRequest.prototype = app.request;
  function ExpressResponse(this: ServerResponse, req: unknown, options: unknown) {
    (ServerResponse as unknown as (this: ServerResponse, req: unknown, options: unknown) => void).call(this, req, options);
  }
  ExpressResponse.prototype = app.response;
  return createServer(
    { IncomingMessage: ExpressRequest as unknown as typeof IncomingMessage, ServerResponse: ExpressResponse as unknown as typeof ServerResponse },
    app,
  );
}

function isClass(fn: unknown): boolean {
  return /^class\b/.test(Function.prototype.toString.call(fn));
}
