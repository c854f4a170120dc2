import http from 'node:http';
import https from 'node:https';

export interface HttpClientOptions {
  /** Most sockets per host; default no limit. An open-loop load generator needs one per request in flight. */
  maxSockets?: number;
}

export interface HttpRequestOptions {
  /** Body as pre-built parts, written in order (a large shared part is encoded once, not per request). */
  body?: string | Buffer | Buffer[];
  /** Extra headers; a body gets `content-type: application/json` and its length unless these say otherwise. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** One deadline for the whole exchange, so a server that trickles bytes cannot stretch it; default none. */
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  /** A 2xx status. */
  ok: boolean;
  body: Buffer;
}

/** The exchange did not finish within `timeoutMs`. */
export class HttpTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

/**
 * The one HTTP client of the workspace: node:http with keep-alive pools, so each call reuses a warm
 * connection. It costs a fraction of fetch per call, which matters both to the dispatcher (most of what it
 * adds to a fast model) and to the load generator (several thousand requests per second in one process).
 * Redirects are never followed: a 3xx is an answer like any other, so an allowed host cannot bounce a
 * request elsewhere.
 */
export class HttpClient {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(options: HttpClientOptions = {}) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? Infinity, maxFreeSockets: 256, scheduling: 'lifo' as const };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  /** Sends `method url`; resolves with the status and body of any answer, rejects when there is none. */
  request(method: string, url: URL, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
    const parts = options.body === undefined ? [] : Array.isArray(options.body) ? options.body : [Buffer.from(options.body)];
    return new Promise((resolve, reject) => {
      const length = parts.reduce((sum, part) => sum + part.length, 0);
      const secure = url.protocol === 'https:';
      const req = (secure ? https : http).request(
        {
          method,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...(parts.length > 0 && { 'content-type': 'application/json', 'content-length': String(length) }), ...options.headers },
          signal: options.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            resolve({ status, ok: status >= 200 && status < 300, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      if (options.timeoutMs !== undefined) {
        const deadline = setTimeout(() => req.destroy(new HttpTimeout(options.timeoutMs as number)), options.timeoutMs);
        req.on('close', () => clearTimeout(deadline));
      }
      req.on('error', reject);
      for (let i = 0; i < parts.length - 1; i += 1) req.write(parts[i]);
      req.end(parts.length > 0 ? parts[parts.length - 1] : undefined);
    });
  }

  /** POST with a JSON body. */
  postJson(url: URL, body: string | Buffer | Buffer[], signal?: AbortSignal): Promise<HttpAnswer> {
    return this.request('POST', url, { body, signal });
  }

  get(url: URL, signal?: AbortSignal): Promise<HttpAnswer> {
    return this.request('GET', url, { signal });
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
