import type { IncomingMessage, Server } from 'node:http';

const arrivals = new WeakMap<IncomingMessage, number>();

/**
 * Notes when each request's headers arrived, before Express or any body parser sees it, so that a request's `parse`
 * stage covers reading and parsing its body as well.
 */
export function recordArrivals(server: Server): void {
  server.prependListener('request', (req: IncomingMessage) => arrivals.set(req, performance.now()));
}

/** When `req` arrived (performance.now()), or now if it was not recorded. */
export function arrivalOf(req: IncomingMessage): number {
  return arrivals.get(req) ?? performance.now();
}
