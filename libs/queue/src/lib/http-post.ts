import http from 'node:http';
import https from 'node:https';

/** One keep-alive pool per process: each call reuses a warm connection instead of opening one. */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' }),
};

export interface RawAnswer {
  status: number;
  /** A 2xx status. */
  ok: boolean;
  text: string;
}

/**
 * POST over node:http with a keep-alive agent: a fraction of fetch's cost per call, which is most of what the
 * dispatcher adds to a fast model. Redirects are never followed (a 3xx is an answer like any other), so an
 * allowed host cannot bounce a request elsewhere.
 */
export function postJson(url: URL, payload: string, timeoutMs: number, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    const req = (secure ? https : http).request(
      url,
      {
        method: 'POST',
        agent: AGENTS[secure ? 'https:' : 'http:'],
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers },
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    // One deadline for the whole exchange, so a server that trickles bytes cannot stretch it.
    const deadline = setTimeout(() => req.destroy(new UpstreamTimeout(timeoutMs)), timeoutMs);
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.end(payload);
  });
}

export class UpstreamTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}
