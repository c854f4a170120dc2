import type { JobCallback } from '@ai/contracts';
import { postJson } from './http-post';

/** How one delivery went: delivered, or not, and whether trying again could change that. */
export type CallbackAttempt = { delivered: true } | { delivered: false; retryable: boolean; detail: string };

/**
 * POSTs a JobCallback once. Redirects are never followed (a redirect could point anywhere, defeating the
 * allowlist), so a 3xx is a failure; so is a 4xx other than 408 and 429, and neither will change on retry.
 */
export async function postCallback(url: string, body: JobCallback, timeoutMs: number): Promise<CallbackAttempt> {
  try {
    const response = await postJson(new URL(url), JSON.stringify(body), timeoutMs, undefined, {
      'x-request-id': body.jobId.replace(/[^A-Za-z0-9._:-]/g, '').slice(0, 128),
    });
    if (response.ok) return { delivered: true };
    const { status } = response;
    const retryable = !(status >= 300 && status < 500 && status !== 408 && status !== 429);
    return { delivered: false, retryable, detail: `status ${status}` };
  } catch (error) {
    return { delivered: false, retryable: true, detail: String((error as Error)?.message ?? error) };
  }
}
