import { isRetryableStatus } from '@ai/http-client';
import { CliError } from './cli-error';
import { EXIT } from './exit-codes';

export interface ApiRequest {
  method?: 'GET' | 'POST';
  url: string;
  body?: unknown;
  /** Names the service and the option that points at it in the "cannot reach" message. */
  service: string;
  timeoutMs?: number;
}

/** `{ error: { code, message } }` of our apps, `{ error: "..." }` of the KServe v2 routes, or the status text. */
function errorMessage(status: number, statusText: string, body: unknown): string {
  const error = (body as { error?: unknown } | undefined)?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
    const { code, message } = error as { code?: string; message: string };
    return code ? `${message} (${code})` : message;
  }
  return `${status} ${statusText}`;
}

/**
 * The exit status an HTTP answer maps to: not found (4); the service is overloaded or failing, so the same command
 * may work later (3); otherwise the request was refused or the job failed (1). A 502 from the dispatcher says
 * inference failed the job for good, after its own retries, so it is a failure and not worth repeating.
 */
function exitFor(status: number) {
  if (status === 404) return EXIT.notFound;
  if (status !== 502 && isRetryableStatus(status)) return EXIT.unavailable;
  return EXIT.failed;
}

/**
 * Sends one JSON request and returns the JSON answer; anything else becomes a CliError that says what happened in
 * words: which service at which URL could not be reached, or what it answered.
 */
export async function requestJson<T>(request: ApiRequest): Promise<T> {
  let res: Response;
  try {
    res = await fetch(request.url, {
      method: request.method ?? (request.body === undefined ? 'GET' : 'POST'),
      headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(request.timeoutMs ?? 60_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? 'no answer in time' : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new CliError(`cannot reach the ${request.service} at ${new URL(request.url).origin}: ${why}`, EXIT.unavailable);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) throw new CliError(`${request.service}: ${errorMessage(res.status, res.statusText, body)}`, exitFor(res.status));
  if (body === undefined) throw new CliError(`${request.service} answered ${res.status} without a JSON body`, EXIT.unavailable);
  return body as T;
}
