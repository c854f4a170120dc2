import http from 'node:http';
import https from 'node:https';

export interface HttpSenderOptions {
  /** Most sockets per host; default 1024. Open-loop load needs one per request in flight. */
  maxSockets?: number;
}

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/**
 * A keep-alive HTTP client for generating load: bodies are written as pre-built buffers (the 100 KB image
 * part is encoded once, only the small per-request part is new), and no per-request parsing or promise
 * chains beyond one. node:http with a large keep-alive pool sustains several thousand requests per second
 * in one process; fetch allocates much more per request.
 */
export class HttpSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(options: HttpSenderOptions = {}) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 1024, maxFreeSockets: 256, scheduling: 'lifo' as const };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  /** Sends `method url` with the concatenation of `parts` as body; resolves with the status and body. */
  request(method: string, url: URL, parts: Buffer[] = [], headers: Record<string, string> = {}, signal?: AbortSignal): Promise<HttpAnswer> {
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
          headers: { ...(parts.length > 0 && { 'content-type': 'application/json', 'content-length': String(length) }), ...headers },
          signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < parts.length - 1; i += 1) req.write(parts[i]);
      req.end(parts.length > 0 ? parts[parts.length - 1] : undefined);
    });
  }

  postJson(url: URL, parts: Buffer[], signal?: AbortSignal): Promise<HttpAnswer> {
    return this.request('POST', url, parts, {}, signal);
  }

  get(url: URL, signal?: AbortSignal): Promise<HttpAnswer> {
    return this.request('GET', url, [], {}, signal);
  }

  /** Closes idle keep-alive sockets so the process can exit. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
