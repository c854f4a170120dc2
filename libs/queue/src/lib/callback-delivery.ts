import type { JobCallback } from '@ai/contracts';
import { HttpClient, toRequestId } from '@ai/http-client';

/** One keep-alive pool for every callback sent from this process. */
const http = new HttpClient();

/** How one delivery went: delivered, or not, and whether trying again could change that. */
export type CallbackAttempt = { delivered: true } | { delivered: false; retryable: boolean; detail: string };

/**
 * POSTs a JobCallback once. Redirects are never followed (a redirect could point anywhere, defeating the
 * allowlist), so a 3xx is a failure; so is a 4xx other than 408 and 429, and neither will change on retry.
 */
export async function postCallback(url: string, body: JobCallback, timeoutMs: number): Promise<CallbackAttempt> {
  try {
    const response = await http.request('POST', new URL(url), { body: JSON.stringify(body), headers: { 'x-request-id': toRequestId(body.jobId) }, timeoutMs });
    if (response.ok) return { delivered: true };
    const { status } = response;
    const retryable = !(status >= 300 && status < 500 && status !== 408 && status !== 429);
    return { delivered: false, retryable, detail: `status ${status}` };
  } catch (error) {
    return { delivered: false, retryable: true, detail: String((error as Error)?.message ?? error) };
  }
}
