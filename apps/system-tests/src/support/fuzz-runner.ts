import { Agent, request } from 'node:http';
import type { FuzzCase } from './fuzz-cases';

/** What one answer was judged as. */
export type Verdict = 'valid' | 'client-error' | 'violation';

export interface FuzzViolation {
  case: Omit<FuzzCase, 'body'> & { bodyPrefix?: string; bodyBytes?: number };
  status: number;
  reason: string;
  response: string;
}

export interface FuzzRunResult {
  cases: number;
  /** Answers by HTTP status ("network" when the connection failed). */
  byStatus: Record<string, number>;
  /** Cases by endpoint. */
  byEndpoint: Record<string, number>;
  /** Summed answer time by endpoint, ms (where a run spends its time). */
  msByEndpoint: Record<string, number>;
  valid: number;
  clientErrors: number;
  /** Every violation counts; only the first 20 are kept in `violations`. */
  violationCount: number;
  violations: FuzzViolation[];
  durationMs: number;
}

export interface FuzzRunOptions {
  baseUrl: string;
  /** Requests in flight at once over keep-alive connections. */
  concurrency?: number;
  /** Per-request timeout; an answer slower than this is a violation (the server hung). */
  timeoutMs?: number;
  /** Answers with a 5xx status that are part of the contract (e.g. 504 "poll GET /jobs/:id"). */
  acceptable5xx?: (status: number, body: unknown) => boolean;
  /** Checked before each case: stop early (e.g. the process died; the rest would only repeat it). */
  abortWhen?: () => boolean;
}

const STACK_TRACE = /\n\s+at\s|\.ts:\d+:\d+|\.js:\d+:\d+|node_modules|Error: .*\n/;

interface Answer {
  status: number;
  contentType?: string;
  text: string;
  error?: string;
}

function send(agent: Agent, baseUrl: string, fuzzCase: FuzzCase, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(fuzzCase.path, baseUrl);
    const headers: Record<string, string | number> = {};
    if (fuzzCase.contentType) headers['content-type'] = fuzzCase.contentType;
    if (fuzzCase.body) headers['content-length'] = fuzzCase.body.length;
    const req = request(url, { method: fuzzCase.method, agent, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (error) => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, text: '', error: error.message }));
    req.end(fuzzCase.body);
  });
}

/** Judges one answer: a 2xx with a JSON body, a 4xx with the ErrorBody shape and no stack trace, or a violation. */
export function judge(fuzzCase: FuzzCase, answer: Answer, acceptable5xx: FuzzRunOptions['acceptable5xx']): { verdict: Verdict; reason?: string } {
  if (answer.status === 0) {
    // A server may cut a connection still uploading an oversized body after answering 413: not a crash.
    if (fuzzCase.mutation === 'oversized body') return { verdict: 'client-error' };
    return { verdict: 'violation', reason: `no answer: ${answer.error}` };
  }
  if (STACK_TRACE.test(answer.text)) return { verdict: 'violation', reason: 'stack trace in the response body' };
  // Streaming generation answers with server-sent events, one JSON object per `data:` line.
  if (answer.status < 300 && answer.contentType?.startsWith('text/event-stream')) {
    const events = answer.text.split('\n').filter((line) => line.startsWith('data:'));
    const parsable = events.every((line) => {
      try {
        JSON.parse(line.slice(5));
        return true;
      } catch {
        return line.slice(5).trim() === '[DONE]';
      }
    });
    return events.length > 0 && parsable ? { verdict: 'valid' } : { verdict: 'violation', reason: 'event stream without parsable events' };
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return { verdict: 'violation', reason: 'body is not JSON' };
  }
  if (answer.status >= 500) {
    return acceptable5xx?.(answer.status, body) ? { verdict: 'valid' } : { verdict: 'violation', reason: `server error ${answer.status}` };
  }
  if (answer.status >= 400) {
    const error = (body as { error?: unknown })?.error as { code?: unknown; message?: unknown } | string | undefined;
    // The KServe v2 protocol has its own error body: { "error": "<message>" }.
    if (fuzzCase.path.startsWith('/v2/') && typeof error === 'string' && error.length > 0) return { verdict: 'client-error' };
    if (typeof error !== 'object' || typeof error.code !== 'string' || typeof error.message !== 'string')
      return { verdict: 'violation', reason: '4xx body is not an ErrorBody' };
    return { verdict: 'client-error' };
  }
  return { verdict: 'valid' };
}

/** Sends every case over keep-alive HTTP with bounded concurrency and judges every answer. */
export async function runFuzz(cases: Iterable<FuzzCase>, options: FuzzRunOptions): Promise<FuzzRunResult> {
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: FuzzRunResult = {
    cases: 0,
    byStatus: {},
    byEndpoint: {},
    msByEndpoint: {},
    valid: 0,
    clientErrors: 0,
    violationCount: 0,
    violations: [],
    durationMs: 0,
  };
  const started = Date.now();
  const iterator = cases[Symbol.iterator]();
  const lane = async () => {
    for (let next = iterator.next(); !next.done && !options.abortWhen?.(); next = iterator.next()) {
      const fuzzCase = next.value;
      const sentAt = Date.now();
      const answer = await send(agent, options.baseUrl, fuzzCase, timeoutMs);
      result.msByEndpoint[fuzzCase.endpoint] = (result.msByEndpoint[fuzzCase.endpoint] ?? 0) + Date.now() - sentAt;
      const { verdict, reason } = judge(fuzzCase, answer, options.acceptable5xx);
      result.cases += 1;
      const statusKey = answer.status === 0 ? 'network' : String(answer.status);
      result.byStatus[statusKey] = (result.byStatus[statusKey] ?? 0) + 1;
      result.byEndpoint[fuzzCase.endpoint] = (result.byEndpoint[fuzzCase.endpoint] ?? 0) + 1;
      if (verdict === 'valid') result.valid += 1;
      else if (verdict === 'client-error') result.clientErrors += 1;
      else if (++result.violationCount <= 20) {
        const { body, ...rest } = fuzzCase;
        result.violations.push({
          case: { ...rest, bodyBytes: body?.length, bodyPrefix: body?.subarray(0, 200).toString('utf8') },
          status: answer.status,
          reason: reason ?? '',
          response: answer.text.slice(0, 500),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  agent.destroy();
  result.durationMs = Date.now() - started;
  return result;
}
