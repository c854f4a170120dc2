import { Agent, request } from 'node:http';

export interface ClosedLoopResult {
  requests: number;
  seconds: number;
  perSecond: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

function post(agent: Agent, url: URL, body: Buffer, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': contentType, 'content-length': body.length } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * `concurrency` clients, each sending the next request as soon as the previous answers (closed loop), over
 * keep-alive connections, for `seconds` after a short warm-up. Bodies are pre-encoded so the client does as little
 * work as possible on the shared CPU.
 */
export async function closedLoop(
  url: string,
  bodies: Buffer[],
  contentType: string,
  concurrency: number,
  seconds: number,
  warmupSeconds = 1,
): Promise<ClosedLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  const warmupEnd = performance.now() + warmupSeconds * 1000;
  const end = warmupEnd + seconds * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const status = await post(agent, target, bodies[next++ % bodies.length], contentType);
      if (status !== 200) throw new Error(`POST ${url} answered ${status}`);
      if (started >= warmupEnd) latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    requests: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    meanMs: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}
